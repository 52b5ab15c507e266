"""The box office's cash drawer and card terminal, as providers: money staff take (and give
back) by hand, so every call succeeds at once. Not offered to customers."""

from marquee.payments.providers.instant import InstantProvider


class CashProvider(InstantProvider):
    name = "cash"
    customer_facing = False
    label = "Cash at the box office"


class CardTerminalProvider(InstantProvider):
    name = "card_terminal"
    customer_facing = False
    label = "Card terminal at the box office"
