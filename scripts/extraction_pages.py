"""The pages of the extraction benchmark (issue 18): six German news articles, each written
into six page layouts of the kinds German sites use, with gold snippets per page.

Layouts: a regional paper (semantic HTML, comment counter under the byline, share bar,
"Mehr zum Thema", a comment thread, imprint), div soup with <br> paragraphs and a "Kommentar"
menu item, a WordPress blog ("Ähnliche Beiträge", previous/next links, "Schreibe einen
Kommentar", a sidebar of recent posts with dates), an association's table layout (left menu,
"Drucken", "Seite teilen", address footer), a long read with lists, a quote, captions, an ad
and a newsletter box inside the article, and a mobile page without </head> with a stray
</script, SVG icons and a cookie banner at the end.

`pages()` yields (name, html, must, must_not): snippets that must be in the article's text and
snippets of page furniture that must not. Run `python scripts/extraction_pages.py DIR` to write
them out as files (the benchmark reads them from memory).
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    author: str
    date: str
    lead: str
    paragraphs: tuple[str, ...]
    heading: str
    after_heading: tuple[str, ...]
    items: tuple[str, ...] = ()
    quote: str = ""


STORIES = (
    Story(
        "hafen",
        "Neue Containerbrücke im Duisburger Hafen in Betrieb",
        "Anna Schröder",
        "2025-03-14",
        "Der größte Binnenhafen Europas hat eine neue Containerbrücke in Betrieb genommen.",
        (
            "Nach zwei Jahren Bauzeit kann die Anlage bis zu 40 Container pro Stunde umschlagen. Die Betreiber sprechen von einem wichtigen Schritt für den Standort.",
            "Die Investition von rund 28 Millionen Euro wurde zum Teil vom Land Nordrhein-Westfalen getragen. Hafenchef Markus Bangen dankte den Beschäftigten für ihre Geduld.",
        ),
        "Mehr Verkehr auf dem Rhein erwartet",
        (
            "Die Betreiber rechnen damit, dass der Umschlag in den kommenden Jahren weiter wächst. Verbindungen in die Niederlande sollen ausgebaut werden.",
            "Anwohner im Stadtteil Ruhrort klagen dagegen seit Jahren über nächtlichen Lärm und fordern strengere Auflagen.",
        ),
        ("Bauzeit: zwei Jahre", "Kosten: 28 Millionen Euro", "Leistung: 40 Container pro Stunde"),
        "Wir haben hier ein Signal für die ganze Region gesetzt.",
    ),
    Story(
        "radweg",
        "Gemeinderat beschließt Programm für neue Radwege",
        "Jonas Keller",
        "2025-02-03",
        "Heilbronn will bis 2030 rund 45 Kilometer geschützte Fahrradstreifen bauen.",
        (
            "Der Gemeinderat stimmte am Donnerstagabend mit großer Mehrheit für das Programm. Die Opposition kritisierte den Wegfall zahlreicher Parkplätze in der Innenstadt.",
            "Die Stadt rechnet mit Kosten von rund zwölf Millionen Euro, etwa die Hälfte soll aus Fördermitteln des Landes kommen.",
        ),
        "Erste Abschnitte schon im Frühjahr",
        (
            "Bereits im April sollen die ersten Streifen an der Weinsberger Straße markiert werden. Der Fahrradclub forderte einen schnelleren Zeitplan.",
            "Handwerksbetriebe in der Innenstadt befürchten dagegen längere Wege zu ihren Kunden und verlangen eigene Ladezonen.",
        ),
        ("45 Kilometer Radstreifen bis 2030", "zwölf Millionen Euro Kosten", "Hälfte aus Landesmitteln"),
        "Das ist ein Meilenstein für die Verkehrswende in unserer Stadt.",
    ),
    Story(
        "lehrer",
        "Landtag streitet über den Lehrermangel an den Schulen",
        "Petra Lindner",
        "2025-01-22",
        "Zum Halbjahr sind in Mecklenburg-Vorpommern mehr als 300 Lehrerstellen unbesetzt.",
        (
            "Im Schweriner Landtag haben die Fraktionen am Mittwoch erneut über die Lage an den Schulen gestritten. Besonders betroffen sind ländliche Regionen.",
            "Bildungsministerin Simone Oldenburg verwies auf ein Programm für Seiteneinsteiger, mit dem in diesem Schuljahr 450 Menschen eine Qualifizierung begonnen haben.",
        ),
        "Opposition fordert mehr Studienplätze",
        (
            "Die Opposition warf der Landesregierung vor, zu spät gehandelt zu haben. Sie verlangt zusätzliche Studienplätze an den Universitäten in Rostock und Greifswald.",
            "Elternvertreter berichteten von ausgefallenen Stunden in Mathematik und Physik, die an manchen Schulen kaum noch unterrichtet werden können.",
        ),
        ("300 offene Stellen", "450 Seiteneinsteiger in Qualifizierung", "Ausfall vor allem in Mathematik"),
        "Wir können nicht warten, bis die Lücken sich von selbst schließen.",
    ),
    Story(
        "hochwasser",
        "Hochwasser an der Elbe: Pegel in Dresden steigt weiter",
        "Martin Vogel",
        "2024-09-17",
        "In Dresden hat die Elbe am Dienstag die Marke von sechs Metern überschritten.",
        (
            "Die Stadt hat die zweithöchste Alarmstufe ausgerufen und mehrere Uferstraßen gesperrt. Feuerwehr und Technisches Hilfswerk bauten in der Nacht mobile Schutzwände auf.",
            "Nach Angaben des Landeshochwasserzentrums wird der Scheitel erst am Donnerstag erwartet. Anwohner in Pieschen wurden gebeten, Keller zu räumen.",
        ),
        "Erinnerungen an 2002",
        (
            "Viele ältere Dresdner fühlen sich an die Flut von 2002 erinnert, als die Elbe über neun Meter stieg. Seitdem wurden Schutzanlagen für mehrere hundert Millionen Euro gebaut.",
            "Der Oberbürgermeister zeigte sich zuversichtlich, dass die Altstadt diesmal trocken bleibt, mahnte aber zur Vorsicht an den Ufern.",
        ),
        ("Pegel über sechs Meter", "Scheitel am Donnerstag erwartet", "Uferstraßen gesperrt"),
        "Die Schutzanlagen haben wir genau für solche Tage gebaut.",
    ),
    Story(
        "apotheke",
        "Immer mehr Apotheken auf dem Land schließen",
        "Sabine Wolf",
        "2025-04-02",
        "In Niedersachsen haben im vergangenen Jahr 48 Apotheken ihren Betrieb eingestellt.",
        (
            "Die Apothekerkammer führt die Schließungen vor allem auf fehlenden Nachwuchs und steigende Kosten zurück. Auf dem Land müssen Patienten immer längere Wege fahren.",
            "In mehreren Landkreisen gibt es inzwischen Gemeinden, in denen die nächste Apotheke mehr als zwanzig Kilometer entfernt liegt.",
        ),
        "Botendienste als Notlösung",
        (
            "Einige Apotheken bieten Botendienste an, die Medikamente bis an die Haustür bringen. Die Kosten dafür werden von den Krankenkassen nur teilweise erstattet.",
            "Die Landesregierung prüft nach eigenen Angaben Zuschüsse für Gründungen in unterversorgten Regionen.",
        ),
        ("48 Schließungen im Jahr", "Wege über zwanzig Kilometer", "Zuschüsse in Prüfung"),
        "Ohne Nachwuchs wird sich die Versorgung weiter verschlechtern.",
    ),
    Story(
        "bahn",
        "Bahnstrecke zwischen Hamburg und Berlin wieder frei",
        "Tobias Hartmann",
        "2025-05-05",
        "Nach neun Monaten Generalsanierung fahren zwischen Hamburg und Berlin wieder Fernzüge.",
        (
            "Die Bahn hat auf der Strecke Gleise, Weichen und Stellwerke erneuert. Die Fahrzeit soll sich in den kommenden Wochen wieder auf unter zwei Stunden verkürzen.",
            "Während der Sperrung waren Fernzüge über Uelzen und Stendal umgeleitet worden, was die Fahrt um bis zu fünfundvierzig Minuten verlängerte.",
        ),
        "Fahrgastverband bleibt skeptisch",
        (
            "Der Fahrgastverband Pro Bahn begrüßte die Wiedereröffnung, verwies aber auf zahlreiche Langsamfahrstellen an anderen Abschnitten des Netzes.",
            "Die nächste Generalsanierung betrifft ab Sommer die Strecke zwischen Köln und Hagen, für die ebenfalls eine mehrmonatige Sperrung geplant ist.",
        ),
        ("neun Monate Sperrung", "Fahrzeit unter zwei Stunden", "nächste Sanierung Köln–Hagen"),
        "Die Sanierung war überfällig, jetzt muss der Takt stimmen.",
    ),
)

# Furniture every layout draws from: snippets that must never count as article text.
MENU = ("Politik", "Wirtschaft", "Sport", "Kultur", "Kommentar", "E-Paper")
RELATED = (
    "Niedrigwasser bremst Frachter aus",
    "Wie die Seidenstraße Duisburg verändert",
    "Kita-Gebühren fallen weg",
)
COMMENTS = (
    "Endlich passiert mal was, hoffentlich denkt man auch an die Anwohner.",
    "Das Geld hätte man besser in Schulen gesteckt, aber fragen tut ja keiner.",
)
COOKIE = "Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten."
FOOTER = ("Impressum", "Datenschutzerklärung", "Alle Rechte vorbehalten")
SHARE = ("twittern", "Auf Facebook teilen", "Per WhatsApp senden")
NEWSLETTER = "Melden Sie sich jetzt für unseren täglichen Newsletter an."
AD = "Jetzt Tarife vergleichen und bis zu 300 Euro sparen"
RECENT = ("Sommerfest im Stadtpark abgesagt", "Neuer Kreisverband gewählt")


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _paragraphs(story: Story) -> str:
    return "".join(f"<p>{_e(p)}</p>\n" for p in story.paragraphs)


def _rest(story: Story) -> str:
    return f"<h2>{_e(story.heading)}</h2>\n" + "".join(f"<p>{_e(p)}</p>\n" for p in story.after_heading)


def _head(story: Story, site: str, extra: str = "", close: bool = True) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(story.title)} | {site}</title>\n"
        f'<meta name="author" content="{story.author}">\n'
        f'<meta property="og:site_name" content="{site}">\n'
        f'<meta property="article:published_time" content="{story.date}T08:00:00+01:00">\n'
        f"<script>window.dataLayer=[];</script>\n{extra}" + ("</head>\n" if close else "")
    )


def regional(story: Story) -> tuple[str, list[str]]:
    page = (
        _head(story, "Rheinblick")
        + f"""<body>
<header><nav class="main-nav"><ul>{"".join(f'<li><a href="#">{m}</a></li>' for m in MENU)}</ul></nav></header>
<main><nav class="breadcrumb"><a href="/">Startseite</a> &gt; <a href="#">Region</a></nav>
<article><h1>{_e(story.title)}</h1>
<div class="byline">Von {story.author} | {story.date} <a href="#comments">0 Kommentare</a></div>
<div class="share-bar"><a href="#">{SHARE[0]}</a> <a href="#">{SHARE[1]}</a> <a href="#">{SHARE[2]}</a></div>
<p class="lead"><strong>{_e(story.lead)}</strong></p>
{_paragraphs(story)}<aside class="related"><h3>Mehr zum Thema</h3><ul>{"".join(f'<li><a href="#">{r}</a></li>' for r in RELATED)}</ul></aside>
{_rest(story)}</article>
<section id="comments" class="comments"><h2>Kommentare</h2>{"".join(f'<div class="comment"><p>{c}</p></div>' for c in COMMENTS)}</section>
</main>
<footer><a href="#">{FOOTER[0]}</a> <a href="#">{FOOTER[1]}</a><p>© 2025 Rheinblick. {FOOTER[2]}.</p></footer>
</body></html>"""
    )
    return page, [*MENU, *RELATED, *COMMENTS, *FOOTER, *SHARE]


def div_soup(story: Story) -> tuple[str, list[str]]:
    body = "<br><br>\n".join(_e(p) for p in (story.lead, *story.paragraphs))
    rest = "<br><br>\n".join(_e(p) for p in story.after_heading)
    page = (
        _head(story, "Neckar-Bote")
        + f"""<body>
<div class="top"><div class="menu">{" | ".join(f'<a href="#">{m}</a>' for m in MENU)}</div></div>
<div class="wrapper"><div class="left"><div class="box"><b>Anzeige</b><br>{AD}</div></div>
<div class="content"><div class="headline">{_e(story.title)}</div>
<div class="info">{story.author} · {story.date} · <a href="#k">3 Kommentare</a></div>
<div class="text">{body}<br><br>
<b>{_e(story.heading)}</b><br>
{rest}</div>
<div class="social">{SHARE[1]} | {SHARE[2]}</div>
<div id="k"><div class="ktitle">Kommentare</div>{"".join(f'<div class="k">{c}</div>' for c in COMMENTS)}</div>
</div></div>
<div class="footer">{FOOTER[0]} | {FOOTER[1]} | © Neckar-Bote, {FOOTER[2]}</div>
</body></html>"""
    )
    return page, [*MENU, AD, *SHARE, *COMMENTS, *FOOTER]


def blog(story: Story) -> tuple[str, list[str]]:
    page = (
        _head(story, "Ortsblog")
        + f"""<body class="single-post">
<div id="page"><header id="masthead" class="site-header"><p class="site-title"><a href="/">Ortsblog</a></p>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu">{"".join(f'<li><a href="#">{m}</a></li>' for m in MENU)}</ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main">
<article class="post type-post"><header class="entry-header"><h1 class="entry-title">{_e(story.title)}</h1>
<div class="entry-meta"><span class="posted-on">{story.date}</span> <span class="byline">{story.author}</span></div></header>
<div class="entry-content"><p>{_e(story.lead)}</p>
{_paragraphs(story)}{_rest(story)}
<div class="sharedaddy"><h3 class="sd-title">Teilen mit:</h3><ul><li><a href="#">{SHARE[0]}</a></li><li><a href="#">{SHARE[1]}</a></li></ul></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Ähnliche Beiträge</em></h3>
{"".join(f'<p class="jp-relatedposts-post"><a href="#">{r}</a></p>' for r in RELATED)}</div>
</div></article>
<nav class="navigation post-navigation"><div class="nav-previous"><a href="#">Vorheriger Artikel: {RECENT[0]}</a></div>
<div class="nav-next"><a href="#">Nächster Artikel: {RECENT[1]}</a></div></nav>
<div id="comments" class="comments-area"><h2 class="comments-title">2 Gedanken zu „{_e(story.title)}“</h2>
<ol class="comment-list">{"".join(f'<li class="comment"><div class="comment-content"><p>{c}</p></div></li>' for c in COMMENTS)}</ol>
<div id="respond"><h3>Schreibe einen Kommentar</h3><p>Deine E-Mail-Adresse wird nicht veröffentlicht.</p></div></div>
</main></div>
<aside id="secondary" class="widget-area"><section class="widget"><h2>Neueste Beiträge</h2><ul>{"".join(f'<li><a href="#">{r}</a> <span>12.03.2025</span></li>' for r in RECENT)}</ul></section></aside>
</div><footer class="site-footer"><a href="#">{FOOTER[0]}</a> · <a href="#">{FOOTER[1]}</a></footer></div>
</body></html>"""
    )
    return page, [*MENU, *SHARE, *RELATED, *RECENT, *COMMENTS, "Deine E-Mail-Adresse", *FOOTER[:2]]


def association(story: Story) -> tuple[str, list[str]]:
    menu = ("Über uns", "Mitglied werden", "Termine", "Presse", "Kontakt")
    page = (
        _head(story, "Landesverband")
        + f"""<body>
<table width="100%"><tr><td colspan="2"><img src="logo.gif" alt="Logo des Landesverbands"></td></tr>
<tr><td class="nav" valign="top" width="180">{"<br>".join(f'<a href="#">{m}</a>' for m in menu)}</td>
<td class="inhalt" valign="top"><p class="rubrik">Pressemitteilung</p><h1>{_e(story.title)}</h1>
<p><i>{story.date}</i></p><p><b>{_e(story.lead)}</b></p>
{_paragraphs(story)}<h3>{_e(story.heading)}</h3>{"".join(f"<p>{_e(p)}</p>" for p in story.after_heading)}
<p><a href="#">« Zurück zur Übersicht</a> | <a href="javascript:print()">Drucken</a> | <a href="#">Seite teilen</a></p>
</td></tr>
<tr><td colspan="2" class="fuss">Landesverband e.V. · Hauptstraße 1 · 30159 Hannover · <a href="#">{FOOTER[0]}</a> · <a href="#">{FOOTER[1]}</a></td></tr></table>
</body></html>"""
    )
    return page, [*menu, "Zurück zur Übersicht", "Drucken", "Hauptstraße 1", *FOOTER[:2]]


def long_read(story: Story) -> tuple[str, list[str]]:
    page = (
        _head(story, "Weserkurier am Sonntag")
        + f"""<body>
<div class="cookie-consent"><p>{COOKIE}</p><button>Zustimmen</button></div>
<nav>{"".join(f'<a href="#">{m}</a>' for m in MENU)}</nav>
<article><h1>{_e(story.title)}</h1><p class="dateline">{story.date}, von {story.author}</p>
<p class="intro">{_e(story.lead)}</p>
<figure><img src="a.jpg"><figcaption>Foto: dpa / Archiv</figcaption></figure>
{_paragraphs(story)}<h2>Das Wichtigste in Kürze</h2><ul>{"".join(f"<li>{_e(i)}</li>" for i in story.items)}</ul>
<div class="ad-container"><span>Anzeige</span><p>{AD}</p></div>
<blockquote><p>„{_e(story.quote)}“</p></blockquote>
{_rest(story)}<div class="newsletter-box"><h3>Newsletter</h3><p>{NEWSLETTER}</p><button>Anmelden</button></div>
<p class="tags">Schlagwörter: Region, Politik</p></article>
<section class="more"><h2>Das könnte Sie auch interessieren</h2>{"".join(f'<div class="teaser"><a href="#">{r}</a></div>' for r in RELATED)}</section>
<footer><p>{FOOTER[0]} · {FOOTER[1]} · {FOOTER[2]}</p></footer>
</body></html>"""
    )
    return page, [COOKIE, *MENU, AD, NEWSLETTER, *RELATED, *FOOTER, "Schlagwörter"]


def mobile(story: Story) -> tuple[str, list[str]]:
    icons = "".join(
        f'<a href="#"><svg><title>{n}</title><path d="M0 0"/></svg></a>' for n in ("Menü", "Suche", "Konto")
    )
    page = (
        _head(story, "Ostsee-Kurier mobil", extra="<script>if (a < b) { x(); }</script\n", close=False)
        + f"""<body>
<div class="app-bar">{icons}</div>
<div class="story"><h1>{_e(story.title)}</h1><div class="autor">Von {story.author}</div>
<p>{_e(story.lead)}</p>
{_paragraphs(story)}{_rest(story)}</div>
<div class="weitere"><h2>Weitere Nachrichten</h2>{"".join(f'<div><a href="#">{r}</a><span>vor 2 Stunden</span></div>' for r in RELATED)}</div>
<div class="share">{SHARE[0]} {SHARE[2]}</div>
<div id="consent-layer"><p>{COOKIE}</p></div>
<div class="footer">{FOOTER[0]} {FOOTER[1]}</div>
</body></html>"""
    )
    return page, [*RELATED, *SHARE, COOKIE, *FOOTER[:2], "Menü", "Suche", "vor 2 Stunden"]


LAYOUTS: tuple[Callable[[Story], tuple[str, list[str]]], ...] = (
    regional,
    div_soup,
    blog,
    association,
    long_read,
    mobile,
)


# Held out: written after the extraction rules were settled on the six layouts above, and not
# used to change them; their figures are reported apart (docs/performance.md).
def schema_org(story: Story) -> tuple[str, list[str]]:
    page = (
        _head(story, "Allgäuer Rundschau")
        + f"""<body>
<div role="navigation" class="hauptnavigation">{"".join(f'<a href="#">{m}</a> ' for m in MENU)}</div>
<div itemscope itemtype="https://schema.org/NewsArticle"><h1 itemprop="headline">{_e(story.title)}</h1>
<span itemprop="author">{story.author}</span> <time itemprop="datePublished">{story.date}</time>
<div itemprop="articleBody"><p>{_e(story.lead)}</p>
<p>{_e(story.paragraphs[0])}</p>
<p><strong>Lesen Sie auch:</strong> <a href="#">{RELATED[0]}</a></p>
<p>{_e(story.paragraphs[1])}</p>
<h2>{_e(story.heading)}</h2>{"".join(f"<p>{_e(p)}</p>" for p in story.after_heading)}
</div></div>
<div class="paywall-teaser"><p>Weiterlesen mit Rundschau Plus: Jetzt 4 Wochen für 0,99 Euro testen.</p></div>
<div class="leserkommentare"><h3>Leserkommentare (12)</h3>{"".join(f"<div><p>{c}</p></div>" for c in COMMENTS)}</div>
<div id="footer">{FOOTER[0]} · {FOOTER[1]} · Mediadaten · Karriere</div>
</body></html>"""
    )
    return page, [*MENU, RELATED[0], "Weiterlesen mit Rundschau Plus", *COMMENTS, *FOOTER[:2], "Mediadaten"]


def agency(story: Story) -> tuple[str, list[str]]:
    page = (
        _head(story, "Nordkurier Online")
        + f"""<body>
<div class="header"><a href="/">Zur Startseite</a><ul class="ressorts">{"".join(f"<li>{m}</li>" for m in MENU)}</ul></div>
<section class="story"><h1>{_e(story.title)}</h1><p class="quelle">dpa/lno</p>
<p>Berlin (dpa) – {_e(story.lead)}</p>{_paragraphs(story)}{_rest(story)}
<p class="copyright">© dpa-infocom, dpa:250314-99-123456/3</p>
<p class="themen">Themen: Verkehr, Regionales, Wirtschaft</p></section>
<div class="ob-widget"><div class="ob-title">Das könnte Sie auch interessieren</div>
{"".join(f'<div class="ob-rec"><a href="#">{r}</a><span>Anzeige</span></div>' for r in RELATED)}</div>
<div class="footer-links"><a href="#">{FOOTER[0]}</a> <a href="#">{FOOTER[1]}</a> <a href="#">Cookie-Einstellungen</a></div>
</body></html>"""
    )
    return page, [
        "Zur Startseite",
        *RELATED,
        "dpa-infocom",
        "Themen: Verkehr",
        *FOOTER[:2],
        "Cookie-Einstellungen",
    ]


def city_portal(story: Story) -> tuple[str, list[str]]:
    events = ("Wochenmarkt am Rathausplatz", "Sprechstunde des Bürgermeisters")
    page = (
        _head(story, "Stadtportal")
        + f"""<body>
<p class="breadcrumb">Sie sind hier: <a href="#">Start</a> › <a href="#">Aktuelles</a></p>
<div class="spalte-links"><h4>Termine</h4><ul>{"".join(f"<li>{e} <em>14.03.</em></li>" for e in events)}</ul></div>
<div class="spalte-mitte"><div class="werkzeuge"><a href="#"><img src="p.png" alt="Drucken"></a><a href="#"><img src="m.png" alt="Weiterempfehlen"></a></div>
<h1>{_e(story.title)}</h1><div class="text"><p>{_e(story.lead)}</p>{_paragraphs(story)}<h3>{_e(story.heading)}</h3>
{"".join(f"<p>{_e(p)}</p>" for p in story.after_heading)}</div>
<p class="stand">Zuletzt aktualisiert: 14.03.2025</p>
<div class="kontaktbox"><h4>Kontakt</h4><p>Presseamt der Stadt<br>Telefon 0341 123-4567<br>presse@stadt.example</p></div></div>
<div class="fuss">{FOOTER[0]} | {FOOTER[1]} | Barrierefreiheit</div>
</body></html>"""
    )
    return page, [
        "Sie sind hier",
        *events,
        "Telefon 0341",
        "presse@stadt.example",
        *FOOTER[:2],
        "Barrierefreiheit",
    ]


HELD_OUT: tuple[Callable[[Story], tuple[str, list[str]]], ...] = (schema_org, agency, city_portal)


def must(story: Story, layout: Callable) -> list[str]:
    """The article's own text: lead, paragraphs, subheading (and lists and quote in long reads)."""
    found = [story.lead, *story.paragraphs, story.heading, *story.after_heading]
    if layout is long_read:
        found += [*story.items, story.quote]
    return found


def pages(layouts: tuple[Callable, ...] = LAYOUTS) -> Iterator[tuple[str, str, list[str], list[str]]]:
    for story in STORIES:
        for layout in layouts:
            page, furniture = layout(story)
            yield f"{story.slug}-{layout.__name__}", page, must(story, layout), furniture


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    gold = {}
    for name, page, wanted, unwanted in pages():
        (out / f"{name}.html").write_text(page, encoding="utf-8")
        gold[name] = {"must": wanted, "must_not": unwanted}
    (out / "gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
