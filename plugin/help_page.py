"""The help page the dialog's Help button opens: the README's section on decoding a figure, as a
self-contained HTML file, so the help works offline and always matches the installed version.

The page is made from the README.md shipped in the plugin (``make package`` also builds it into
the package's ``help/`` folder). No QGIS import; only the small part of Markdown the README uses
is understood: headings, paragraphs, numbered and bulleted lists, fenced code, tables,
``code``, **bold**, *italics* and [links](...).

usage: python3 plugin/help_page.py [OUTPUT.html]   (default: the package's help/decodemap.html)
"""
import html
import os
import re
import sys
import tempfile

PLUGIN_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(PLUGIN_ROOT, "README.md")
HELP_PAGE = os.path.join(PLUGIN_ROOT, "help", "decodemap.html")
#: The README sections the page holds (all of each, up to the next heading of its level).
SECTIONS = ("Decoding your own figure", "The decode window")

_STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 1.2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
code, pre { font-family: monospace; background: #f3f3f3; }
pre { padding: 0.6em; overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.92em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.5em; vertical-align: top; text-align: left; }
th { background: #eee; }
"""


def section_markdown(readme_text, title):
    """The Markdown of one README section, its heading included; '' when there is none."""
    match = re.search(rf"^(#+)\s+{re.escape(title)}\s*$", readme_text, re.MULTILINE)
    if not match:
        return ""
    level = len(match.group(1))
    rest = readme_text[match.end():]
    end = re.search(rf"^#{{1,{level}}}\s", rest, re.MULTILINE)
    return readme_text[match.start():match.end() + (end.start() if end else len(rest))]


def heading_anchor(title):
    """The anchor GitHub gives a heading: 'The decode window' -> 'the-decode-window'."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def help_page_url(anchor=""):
    """A file:// address of the help page (made if needed), at `anchor`; None if impossible.

    For windows of the plugin that are not the Processing dialog (which passes its labels to
    :func:`help_page_path` itself).
    """
    from pathlib import Path

    path = HELP_PAGE
    if not (os.path.isfile(path) and (not os.path.isfile(README)
                                      or os.path.getmtime(path) >= os.path.getmtime(README))):
        # No page yet for this README (the Processing dialog's own, with labels, will do).
        path = help_page_path()
    if not path:
        return None
    return Path(path).as_uri() + (f"#{anchor}" if anchor else "")


def _inline(text):
    """Inline Markdown of escaped text: `code`, **bold**, *italics*, [text](url)."""
    pieces = re.split(r"(`[^`]+`)", text)
    out = []
    for piece in pieces:
        if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
            out.append(f"<code>{html.escape(piece[1:-1])}</code>")
            continue
        # Pictures live in the repository's docs/, which the package does not ship.
        piece = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", piece)
        piece = html.escape(piece, quote=False)
        piece = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", piece)
        piece = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", piece)
        piece = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r'<a href="\2">\1</a>', piece)
        out.append(piece)
    return "".join(out)


def markdown_to_html(markdown):
    """HTML of the Markdown subset the README uses (see the module docstring)."""
    lines = markdown.splitlines()
    out, paragraph, index = [], [], 0

    def flush():
        text = _inline(" ".join(paragraph)).strip()
        if text:
            out.append(f"<p>{text}</p>")
        paragraph.clear()

    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            code = []
            index += 1
            while index < len(lines) and not lines[index].strip().startswith("```"):
                code.append(lines[index])
                index += 1
            out.append(f"<pre><code>{html.escape(chr(10).join(code))}</code></pre>")
        elif re.match(r"#{1,6}\s", stripped):
            flush()
            level = len(stripped) - len(stripped.lstrip("#"))
            title = stripped[level:].strip()
            out.append(f'<h{level} id="{heading_anchor(title)}">{_inline(title)}</h{level}>')
        elif stripped.startswith("|"):
            flush()
            rows = []
            while index < len(lines) and lines[index].strip().startswith("|"):
                cells = [c.strip() for c in
                         re.split(r"(?<!\\)\|", lines[index].strip().strip("|"))]
                if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                    rows.append(cells)
                index += 1
            index -= 1
            table = ["<table>"]
            for number, cells in enumerate(rows):
                tag = "th" if number == 0 else "td"
                table.append("<tr>" + "".join(f"<{tag}>{_inline(c)}</{tag}>" for c in cells)
                             + "</tr>")
            out.append("\n".join(table + ["</table>"]))
        elif re.match(r"(\d+\.|[-*])\s", stripped):
            flush()
            ordered = stripped[0].isdigit()
            start = int(stripped.split(".")[0]) if ordered else 1
            items = []
            while index < len(lines) and lines[index].strip():
                item = lines[index].strip()
                if re.match(r"(\d+\.|[-*])\s", item):
                    items.append(re.sub(r"^(\d+\.|[-*])\s+", "", item))
                else:
                    items[-1] += " " + item
                index += 1
            opening = (f'<ol start="{start}">' if start != 1 else "<ol>") if ordered else "<ul>"
            out.append(opening + "".join(f"<li>{_inline(i)}</li>" for i in items)
                       + ("</ol>" if ordered else "</ul>"))
        elif not stripped:
            flush()
        else:
            paragraph.append(stripped)
        index += 1
    flush()
    return "\n".join(out)


def help_page_html(readme_text, labels=None):
    """The whole help page (a standalone HTML document) from the README's text.

    Parameters
    ----------
    readme_text : str
    labels : dict, optional
        Parameter id -> its label in the dialog. A table cell that is just a parameter's id
        (```INPUT```) then reads "Figure (``INPUT``)", so the page names parameters as the
        dialog shows them, and as the command line writes them.
    """
    markdown = "\n".join(section_markdown(readme_text, title) for title in SECTIONS)
    if labels:
        def labelled(match):
            names = re.findall(r"`([A-Z_]+)`", match.group(1))
            if not names or any(name not in labels for name in names):
                return match.group(0)
            return "| " + ", ".join(f"{labels[name]} (`{name}`)" for name in names) + " |"
        markdown = re.sub(r"^\|\s*((?:`[A-Z_]+`(?:,\s*)?)+)\s*\|", labelled, markdown,
                          flags=re.MULTILINE)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Colormap Decoder: decoding a figure</title>"
            f"<style>{_STYLE}</style></head><body>\n"
            "<p><small>Colormap Decoder help, from the README shipped with the plugin.</small>"
            f"</p>\n{markdown_to_html(markdown)}\n</body></html>\n")


def _write_text(path, text):
    """Write `text` to `path` under a temporary name, then move it into place."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".html.tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    return path


def _user_cache_folder():
    """The user's cache folder: ``%LOCALAPPDATA%`` on Windows, ``$XDG_CACHE_HOME`` or
    ``~/.cache`` elsewhere (macOS included: ~/.cache is as good as any there); None when no
    home is known."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return os.environ["LOCALAPPDATA"]
    if os.environ.get("XDG_CACHE_HOME"):
        return os.environ["XDG_CACHE_HOME"]
    home = os.path.expanduser("~")
    return None if home == "~" else os.path.join(home, ".cache")


def _user_copies():
    """Where a copy of the page may be written, best first: one file in the user's cache
    folder, which every QGIS process of this user reuses (a folder per process, as written
    before, was left behind by each ``qgis_process`` run), then a folder of this process in the
    temporary folder, when the cache cannot be written."""
    cache = _user_cache_folder()
    if cache:
        yield os.path.join(cache, "colormap_decoder", "decodemap.html")
    yield os.path.join(tempfile.gettempdir(), f"colormap_decoder_help_{os.getpid()}",
                       "decodemap.html")


def help_page_path(labels=None, readme=README):
    """The help page for this README and these labels, written where it can be; or None.

    The package's ``help/decodemap.html`` (``make package`` builds one; it is brought up to
    date here when the README or the labels changed and the folder is writable); otherwise, and
    always in a git checkout, a copy in the user's cache folder (or, when that cannot be
    written, in a folder of this process in the temporary folder). None when there is no README
    and no page.
    """
    if not os.path.isfile(readme):
        return HELP_PAGE if os.path.isfile(HELP_PAGE) else None
    with open(readme, encoding="utf-8") as stream:
        text = help_page_html(stream.read(), labels)
    # A development checkout is source, not an installed plugin: nothing is written into it.
    in_checkout = os.path.exists(os.path.join(PLUGIN_ROOT, ".git"))
    candidates = [*_user_copies()] if in_checkout else [HELP_PAGE, *_user_copies()]
    for path in candidates:
        try:
            with open(path, encoding="utf-8") as stream:
                if stream.read() == text:
                    return path
        except OSError:
            pass
        try:
            return _write_text(path, text)
        except OSError:
            continue
    return None


if __name__ == "__main__":
    destination = sys.argv[1] if len(sys.argv) > 1 else HELP_PAGE
    with open(README, encoding="utf-8") as readme_stream:
        print(_write_text(destination, help_page_html(readme_stream.read())))
