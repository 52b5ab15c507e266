"""The demo cinema's words: invented titles, descriptions and names (nothing copyrighted).

Only data lives here; marquee.demo.builder decides how it is combined.
"""

from typing import NamedTuple


class MovieSpec(NamedTuple):
    title: str
    release_year: int
    duration_min: int
    age_rating: int
    genres: tuple[str, ...]
    description: str
    # Unlisted movies have left the listing: they appear only in past showtimes and history.
    listed: bool = True


GENRES = (
    "Action",
    "Adventure",
    "Animation",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "Horror",
    "Music",
    "Mystery",
    "Romance",
    "Science fiction",
    "Thriller",
    "Western",
)

MOVIES = (
    MovieSpec(
        "Salt and Static",
        2025,
        112,
        12,
        ("Drama",),
        "A radio operator on a Black Sea trawler picks up a voice that should not exist, "
        "and the crew has one night to decide whether to answer it.",
    ),
    MovieSpec(
        "Orbit of Small Things",
        2026,
        128,
        12,
        ("Science fiction", "Drama"),
        "The last engineer aboard a failing orbital greenhouse teaches a stubborn maintenance "
        "robot to care for the plants before the supply ship arrives — or doesn't.",
    ),
    MovieSpec(
        "The Last Tram to Podil",
        2024,
        104,
        12,
        ("Romance", "Drama"),
        "Two strangers miss the last tram on a snowy Kyiv night and walk the city until dawn, "
        "trading the stories they have never told anyone.",
    ),
    MovieSpec(
        "Paper Foxes",
        2025,
        88,
        0,
        ("Animation", "Family"),
        "A girl folds a paper fox to keep her company in a new town; by morning it has "
        "folded a whole family of its own.",
    ),
    MovieSpec(
        "Midnight at the Ferris Wheel",
        2025,
        117,
        16,
        ("Mystery", "Thriller"),
        "When the lights of a seaside fair go out at midnight, one cabin at the top of the wheel comes down empty.",
    ),
    MovieSpec(
        "Copper Sky",
        2023,
        131,
        12,
        ("Western", "Adventure"),
        "A retired surveyor rides back into the desert town she mapped thirty years ago to "
        "find that someone has been moving the borders.",
    ),
    MovieSpec(
        "The Quiet Engine",
        2026,
        109,
        16,
        ("Thriller",),
        "A mechanic discovers that the silent electric bus she repairs every night is "
        "carrying passengers who never appear on the cameras.",
    ),
    MovieSpec(
        "Sunflower Season",
        2025,
        101,
        12,
        ("Comedy", "Romance"),
        "A city accountant inherits half a sunflower farm; the other half belongs to the "
        "neighbour who has been suing her family for a decade.",
    ),
    MovieSpec(
        "Ninth Floor, No Elevator",
        2024,
        96,
        12,
        ("Comedy",),
        "Five neighbours, one broken lift and a piano that has to reach the ninth floor before the wedding starts.",
    ),
    MovieSpec(
        "A Map of Forgotten Rivers",
        2024,
        92,
        0,
        ("Documentary",),
        "Engineers, historians and children follow the streams that still run under a great "
        "city, sealed in brick two centuries ago.",
    ),
    MovieSpec(
        "The Beekeeper's Almanac",
        2023,
        85,
        6,
        ("Documentary", "Family"),
        "A year in the life of a family apiary in the Carpathian foothills, told through four "
        "generations and two hundred thousand bees.",
    ),
    MovieSpec(
        "Signal from Europa",
        2026,
        139,
        12,
        ("Science fiction", "Adventure"),
        "A drilling crew under the ice of Jupiter's moon hears a rhythm that answers their "
        "own, and mission control wants them to stop listening.",
    ),
    MovieSpec(
        "Kasha and the Thunder Goat",
        2026,
        84,
        0,
        ("Animation", "Family", "Comedy"),
        "A shepherd girl and a goat who can summon storms set out to return the rain that a "
        "greedy miller has bottled up.",
    ),
    MovieSpec(
        "Red Line Express",
        2025,
        118,
        16,
        ("Action", "Thriller"),
        "A night train, a stolen prototype and a conductor with a past she has spent twenty "
        "years pretending to forget.",
    ),
    MovieSpec(
        "The Cartographer's Apprentice",
        2024,
        134,
        12,
        ("Fantasy", "Adventure"),
        "An apprentice learns that every map her master draws changes the land it shows, and "
        "that he has started drawing wars.",
    ),
    MovieSpec(
        "Hollow Pines",
        2025,
        99,
        18,
        ("Horror",),
        "A forest warden returns to the camp where a school trip vanished, and the trees remember every name.",
    ),
    MovieSpec(
        "Borscht for Two",
        2026,
        103,
        12,
        ("Comedy", "Romance"),
        "Rival cooks are forced to share a tiny food truck at a summer festival; the soup is "
        "not the only thing that boils over.",
    ),
    MovieSpec(
        "Steel Choir",
        2024,
        111,
        6,
        ("Music", "Drama"),
        "When the steelworks close, the factory choir refuses to stop singing and enters the "
        "national competition with nothing left to lose.",
    ),
    MovieSpec(
        "Beneath the Carpathians",
        2025,
        94,
        6,
        ("Documentary", "Adventure"),
        "Cavers map an uncharted system of chambers under the mountains, lit only by what they can carry.",
    ),
    MovieSpec(
        "The Ninth Wave Protocol",
        2026,
        126,
        16,
        ("Action", "Thriller"),
        "A coastguard officer has six hours to stop a cyber attack that will open every sluice "
        "gate on the coast at high tide.",
    ),
    MovieSpec(
        "Lantern Street",
        2024,
        122,
        16,
        ("Crime", "Drama"),
        "A night-shift pharmacist becomes the only witness to a robbery that half the street "
        "would rather she had not seen.",
    ),
    MovieSpec(
        "Small Hours",
        2025,
        107,
        16,
        ("Drama",),
        "A jazz pianist, a taxi driver and an insomniac teenager cross paths between two and five in the morning.",
    ),
    MovieSpec(
        "Dumpling Detectives",
        2025,
        90,
        6,
        ("Animation", "Comedy", "Mystery"),
        "Three dumplings escape the freezer to solve the case of the missing sour cream before Sunday lunch.",
    ),
    MovieSpec(
        "The Winter Orchard",
        2023,
        115,
        6,
        ("Drama", "Family"),
        "A grandfather and his grandson have one winter to save an orchard of forgotten apple "
        "varieties from the frost and from the bank.",
    ),
    MovieSpec(
        "Vanishing Point Zero",
        2026,
        133,
        12,
        ("Science fiction", "Action"),
        "A test pilot breaks a speed record and lands a week before she took off.",
    ),
    MovieSpec(
        "What the Storks Know",
        2024,
        86,
        0,
        ("Family", "Comedy"),
        "A boy convinced that storks deliver babies sets out to file a complaint about his new twin sisters.",
    ),
    MovieSpec(
        "Black Sea Blue",
        2025,
        119,
        16,
        ("Romance", "Drama"),
        "A marine biologist and a lighthouse keeper spend one summer counting dolphins and "
        "avoiding the one question that matters.",
    ),
    MovieSpec(
        "The Tenth Passenger",
        2024,
        108,
        12,
        ("Mystery",),
        "Nine passengers board a snowed-in mountain bus; at the first stop the driver counts ten.",
    ),
    MovieSpec(
        "Static Bloom",
        2026,
        97,
        18,
        ("Horror", "Science fiction"),
        "Flowers that grow from broken radios spread through a quiet suburb, and they are broadcasting.",
    ),
    MovieSpec(
        "Harbour of Echoes",
        2023,
        124,
        16,
        ("Crime", "Thriller"),
        "An undercover customs officer loses her cover on the same night the port's oldest smuggler decides to retire.",
    ),
    MovieSpec(
        "The Clockmaker's Winter",
        2022,
        113,
        6,
        ("Fantasy", "Family"),
        "Each clock the old man mends gives back one hour to someone who lost it.",
        listed=False,
    ),
    MovieSpec(
        "Dust on the Highway",
        2022,
        127,
        16,
        ("Western", "Drama"),
        "Two brothers drive a failing fuel truck across the steppe to settle their father's debts.",
        listed=False,
    ),
)

HALL_NAMES = (
    "Aurora",
    "Dnipro",
    "Chestnut",
    "Nova",
    "Panorama",
    "Sapphire",
    "Cedar",
    "Polaris",
    "Meridian",
    "Linden",
    "Comet",
    "Amber",
)

# (Cyrillic, transliteration): names are shown as people write them, emails need ASCII.
UKRAINIAN_FIRST_NAMES = (
    ("Олена", "olena"),
    ("Андрій", "andrii"),
    ("Оксана", "oksana"),
    ("Тарас", "taras"),
    ("Ірина", "iryna"),
    ("Дмитро", "dmytro"),
    ("Марія", "mariia"),
    ("Богдан", "bohdan"),
    ("Софія", "sofiia"),
    ("Максим", "maksym"),
    ("Наталія", "nataliia"),
    ("Олександр", "oleksandr"),
    ("Юлія", "yuliia"),
    ("Василь", "vasyl"),
    ("Катерина", "kateryna"),
    ("Ярослав", "yaroslav"),
    ("Анна", "anna"),
    ("Петро", "petro"),
    ("Вікторія", "viktoriia"),
    ("Остап", "ostap"),
)
UKRAINIAN_LAST_NAMES = (
    ("Коваль", "koval"),
    ("Шевченко", "shevchenko"),
    ("Бондаренко", "bondarenko"),
    ("Ткаченко", "tkachenko"),
    ("Кравчук", "kravchuk"),
    ("Мельник", "melnyk"),
    ("Бойко", "boiko"),
    ("Олійник", "oliinyk"),
    ("Савчук", "savchuk"),
    ("Лисенко", "lysenko"),
    ("Гончар", "honchar"),
    ("Руденко", "rudenko"),
    ("Павленко", "pavlenko"),
    ("Мороз", "moroz"),
    ("Козак", "kozak"),
    ("Литвин", "lytvyn"),
    ("Марченко", "marchenko"),
    ("Поліщук", "polishchuk"),
)
ENGLISH_FIRST_NAMES = (
    "Alice",
    "Ben",
    "Charlotte",
    "Daniel",
    "Emma",
    "Finn",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Lucy",
    "Oliver",
    "Maya",
    "Noah",
    "Ruby",
    "Samuel",
    "Chloe",
    "Thomas",
)
ENGLISH_LAST_NAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Evans",
    "Walker",
    "Wright",
    "Hughes",
    "Clarke",
    "Turner",
    "Hill",
    "Moore",
    "Baker",
    "Price",
)
# Reserved for examples (RFC 2606): seeded addresses never reach a real inbox.
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")

GIFT_MESSAGES = (
    "Happy birthday! Popcorn is on me.",
    "For our anniversary — see you in row five.",
    "You wanted to see this one. Enjoy!",
    "З днем народження! Гарного перегляду.",
    "Дякую за все. Це тобі.",
    "",
)

# The same words in Ukrainian, by their English original: the demo cinema speaks both site languages.
GENRES_UK = {
    "Action": "Бойовик",
    "Adventure": "Пригоди",
    "Animation": "Анімація",
    "Comedy": "Комедія",
    "Crime": "Кримінал",
    "Documentary": "Документальний",
    "Drama": "Драма",
    "Family": "Сімейний",
    "Fantasy": "Фентезі",
    "Horror": "Жахи",
    "Music": "Музичний",
    "Mystery": "Детектив",
    "Romance": "Мелодрама",
    "Science fiction": "Фантастика",
    "Thriller": "Трилер",
    "Western": "Вестерн",
}

TARIFFS_UK = {
    "Morning": "Ранковий",
    "Day": "Денний",
    "Evening": "Вечірній",
    "Late night": "Нічний",
}

# English title → (Ukrainian title, Ukrainian description).
MOVIES_UK = {
    "Salt and Static": (
        "Сіль і шум",
        "Радист чорноморського траулера ловить голос, якого не може існувати, і команда має одну ніч, "
        "щоб вирішити, чи йому відповісти.",
    ),
    "Orbit of Small Things": (
        "Орбіта дрібниць",
        "Остання інженерка на борту орбітальної оранжереї, що занепадає, вчить упертого робота-ремонтника "
        "доглядати рослини, поки не прибуде вантажний корабель — якщо прибуде.",
    ),
    "The Last Tram to Podil": (
        "Останній трамвай на Поділ",
        "Двоє незнайомців спізнюються на останній трамвай сніжної київської ночі й до світанку гуляють "
        "містом, розповідаючи одне одному історії, яких не розповідали нікому.",
    ),
    "Paper Foxes": (
        "Паперові лисиці",
        "Дівчинка складає паперову лисичку, щоб не самотіти в новому місті; до ранку лисичка склала собі цілу родину.",
    ),
    "Midnight at the Ferris Wheel": (
        "Опівночі на оглядовому колесі",
        "Коли опівночі на приморському ярмарку гасне світло, одна кабінка з вершини колеса спускається порожньою.",
    ),
    "Copper Sky": (
        "Мідне небо",
        "Геодезистка на пенсії повертається в пустельне містечко, яке нанесла на мапу тридцять років тому, "
        "і бачить, що хтось пересуває кордони.",
    ),
    "The Quiet Engine": (
        "Тихий двигун",
        "Механікиня помічає, що безшумний електробус, який вона щоночі ремонтує, возить пасажирів, "
        "яких не видно на жодній камері.",
    ),
    "Sunflower Season": (
        "Сезон соняшників",
        "Міська бухгалтерка успадковує половину соняшникової ферми; друга половина належить сусідові, "
        "який десять років судиться з її родиною.",
    ),
    "Ninth Floor, No Elevator": (
        "Дев’ятий поверх, ліфта нема",
        "П’ятеро сусідів, один зламаний ліфт і піаніно, яке має опинитися на дев’ятому поверсі до початку весілля.",
    ),
    "A Map of Forgotten Rivers": (
        "Мапа забутих річок",
        "Інженери, історики й діти йдуть за струмками, що досі течуть під великим містом, замуровані "
        "в цеглу два століття тому.",
    ),
    "The Beekeeper's Almanac": (
        "Альманах пасічника",
        "Рік із життя родинної пасіки в передгір’ях Карпат — очима чотирьох поколінь і двохсот тисяч бджіл.",
    ),
    "Signal from Europa": (
        "Сигнал з Європи",
        "Бурова команда під кригою супутника Юпітера чує ритм, що відповідає їхньому власному, а центр "
        "керування польотом хоче, щоб вони перестали слухати.",
    ),
    "Kasha and the Thunder Goat": (
        "Каша і громова коза",
        "Маленька пастушка і коза, що вміє скликати грози, вирушають повернути дощ, який жадібний мірошник "
        "закрив у пляшках.",
    ),
    "Red Line Express": (
        "Експрес «Червона лінія»",
        "Нічний потяг, викрадений прототип і провідниця з минулим, яке вона двадцять років вдає, що забула.",
    ),
    "The Cartographer's Apprentice": (
        "Учениця картографа",
        "Учениця дізнається, що кожна мапа її майстра змінює землю, яку показує, і що він почав малювати війни.",
    ),
    "Hollow Pines": (
        "Порожні сосни",
        "Лісничиня повертається до табору, де зник шкільний клас, а дерева пам’ятають кожне ім’я.",
    ),
    "Borscht for Two": (
        "Борщ на двох",
        "Двох кухарів-суперників змушують ділити крихітний фудтрак на літньому фестивалі; закипає не лише борщ.",
    ),
    "Steel Choir": (
        "Сталевий хор",
        "Коли металургійний завод закривають, заводський хор не перестає співати й іде на національний "
        "конкурс, бо втрачати вже нічого.",
    ),
    "Beneath the Carpathians": (
        "Під Карпатами",
        "Спелеологи досліджують незнану систему печер під горами, освітлену лише тим, що вони можуть нести.",
    ),
    "The Ninth Wave Protocol": (
        "Протокол «Дев’ятий вал»",
        "Офіцерка берегової охорони має шість годин, щоб зупинити кібератаку, яка під час припливу "
        "відчинить усі шлюзи на узбережжі.",
    ),
    "Lantern Street": (
        "Ліхтарна вулиця",
        "Аптекарка нічної зміни стає єдиною свідкою пограбування, якого пів вулиці воліло б, щоб вона не бачила.",
    ),
    "Small Hours": (
        "Глуха ніч",
        "Джазовий піаніст, таксист і підліток, що не може заснути, перетинаються між другою і п’ятою ранку.",
    ),
    "Dumpling Detectives": (
        "Вареники-детективи",
        "Троє вареників тікають із морозилки, щоб до недільного обіду розкрити справу зниклої сметани.",
    ),
    "The Winter Orchard": (
        "Зимовий сад",
        "Дідусь і онук мають одну зиму, щоб урятувати сад забутих сортів яблук від морозу й від банку.",
    ),
    "Vanishing Point Zero": (
        "Точка зникнення нуль",
        "Пілотка-випробувачка б’є рекорд швидкості й приземляється за тиждень до того, як злетіла.",
    ),
    "What the Storks Know": (
        "Що знають лелеки",
        "Хлопчик, певний, що дітей приносять лелеки, вирушає подати скаргу на своїх нових сестричок-близнючок.",
    ),
    "Black Sea Blue": (
        "Чорноморська синь",
        "Морська біологиня і доглядач маяка ціле літо рахують дельфінів і уникають єдиного важливого питання.",
    ),
    "The Tenth Passenger": (
        "Десятий пасажир",
        "Дев’ятеро пасажирів сідають у засніжений гірський автобус; на першій зупинці водій нараховує десятьох.",
    ),
    "Static Bloom": (
        "Квіти перешкод",
        "Квіти, що проростають зі зламаних радіоприймачів, заполоняють тихе передмістя — і вони виходять в ефір.",
    ),
    "Harbour of Echoes": (
        "Гавань відлуння",
        "Митна офіцерка під прикриттям втрачає легенду тієї самої ночі, коли найстаріший контрабандист "
        "порту вирішує піти на спочинок.",
    ),
    "The Clockmaker's Winter": (
        "Зима годинникаря",
        "Кожен годинник, який лагодить старий майстер, повертає одну годину тому, хто її загубив.",
    ),
    "Dust on the Highway": (
        "Пил на трасі",
        "Двоє братів женуть несправну паливовозку через степ, щоб сплатити батькові борги.",
    ),
}
