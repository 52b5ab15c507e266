"""`{% kept seconds "name" vary_on… %}…{% endkept %}`: Django's `{% cache %}`, redrawn by one
reader at a time (marquee.core.kept says why), for fragments every visitor sees alike."""

from typing import Any

from django import template
from django.core.cache.utils import make_template_fragment_key
from django.template.base import FilterExpression, NodeList, Parser, Token

from marquee.core.kept import kept

register = template.Library()


class KeptNode(template.Node):
    def __init__(self, nodelist: NodeList, seconds: FilterExpression, name: str, vary_on: list[FilterExpression]):
        self.nodelist, self.seconds, self.name, self.vary_on = nodelist, seconds, name, vary_on

    def render(self, context: Any) -> str:
        seconds = self.seconds.resolve(context)
        if not isinstance(seconds, int):
            raise template.TemplateSyntaxError(f'"kept" tag got a non-integer timeout value: {seconds!r}')
        key = make_template_fragment_key(f"kept:{self.name}", [v.resolve(context) for v in self.vary_on])
        return kept(key, seconds, lambda: str(self.nodelist.render(context)), keep=lambda _html: True)


@register.tag("kept")
def do_kept(parser: Parser, token: Token) -> KeptNode:
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    tokens = token.split_contents()
    if len(tokens) < 3:
        raise template.TemplateSyntaxError(f"{tokens[0]!r} tag requires at least 2 arguments.")
    return KeptNode(
        nodelist, parser.compile_filter(tokens[1]), tokens[2], [parser.compile_filter(t) for t in tokens[3:]]
    )
