"""Reading the overview's HTML back in tests."""

import re

import httpx

TILE = re.compile(r'<li class="(tile[^"]*)"([^>]*)>(.*?)</li>', re.S)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def tiles(html: str) -> dict[str, dict[str, str]]:
    """Per KPI key: the tile's data attributes, its classes (``class``) and inner HTML."""
    out = {}
    for match in TILE.finditer(html):
        attributes = dict(ATTR.findall(match.group(2)))
        attributes["class"] = match.group(1)
        attributes["html"] = match.group(3)
        out[attributes["data-kpi"]] = attributes
    return out


def csrf(client: httpx.Client, path: str = "/settings") -> str:
    """The CSRF token of the signed-in session, read from a page's form."""
    page = client.get(path).text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF field on the page"
    return match.group(1)
