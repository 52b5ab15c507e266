"""Who is asking: the one place that turns a request into the client's address.

Every limit keyed on the address (seat holds, the API's hold rate, sign-in links, the
staff login lockout) calls `client_address`, so that a forged `X-Forwarded-For` fools
none of them. The header is read only from proxies named in TRUSTED_PROXIES: a count of
proxies in front of the app, or their networks. Without it the socket address counts,
which is right for a server that faces the internet itself.

An IPv6 client counts by its /64 network: a household or a server gets a whole /64 and
can pick a new address in it for every request.
"""

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from django.conf import settings
from django.http import HttpRequest

type Address = IPv4Address | IPv6Address
type Trusted = int | tuple[IPv4Network | IPv6Network, ...]


def _parse(raw: str) -> Address | None:
    text = raw.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _key(address: Address) -> str:
    if isinstance(address, IPv6Address):
        return str(IPv6Network(f"{address}/64", strict=False).network_address)
    return str(address)


def _client(peer: Address, forwarded: list[str], trusted: Trusted) -> Address:
    """Walk the chain from the right (the socket peer, then what each proxy appended)
    and stop at the first hop that is not a trusted proxy."""
    if isinstance(trusted, int):
        # The last `trusted` hops are our proxies; the one before them is the client. A
        # shorter chain means a request that bypassed a proxy: its left-most hop counts.
        chain = [peer, *(_parse(hop) for hop in reversed(forwarded))]
        for hop in chain[1 : trusted + 1]:
            if hop is None:
                break  # garbage in the header: the last good hop, a proxy, counts
            peer = hop
        return peer
    current = peer
    for raw in reversed(forwarded):
        if not any(current in net for net in trusted if net.version == current.version):
            return current
        hop = _parse(raw)
        if hop is None:
            return current
        current = hop
    return current


def client_address(request: HttpRequest) -> str:
    """The client's address as the limits count it (see the module's note); "" when the
    request has no socket address at all (a request built by hand)."""
    peer = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return ""
    trusted: Trusted = getattr(settings, "TRUSTED_PROXIES", 0)
    forwarded_header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted and forwarded_header:
        hops = [hop for hop in forwarded_header.split(",") if hop.strip()]
        peer = _client(peer, hops, trusted)
    return _key(peer)
