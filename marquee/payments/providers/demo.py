"""The demo provider: approves every payment and refund at once, and talks to nobody.

On by default with DEBUG (make run) and in the tests; never for real money (a start-up
check warns when it is enabled with DEBUG off).
"""

from marquee.payments.providers.instant import InstantProvider


class DemoProvider(InstantProvider):
    name = "demo"
    customer_facing = True
    label = "Demo (no real money)"
