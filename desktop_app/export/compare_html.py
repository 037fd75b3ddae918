"""Exports of a :class:`~desktop_app.core.compare.Comparison`: a self-contained HTML page for a
reviewer, and the JSON form.

The page has a summary (agreement, engines, file, duration, engines that failed) and a table of
spans — time and each engine's text side by side, differing spans marked and, inside them, the
characters that differ from the other engines highlighted. Everything is escaped; the styles are
inline and nothing is loaded from elsewhere. A few lines of inline script let ``n``/``p`` (or
``j``/``k``) jump to the next/previous disagreement; without script the page reads the same.
"""

from __future__ import annotations

import json
import math
from difflib import SequenceMatcher
from html import escape

from desktop_app.core.compare import Comparison, Span, is_significant
from desktop_app.export.common import clock, encode_utf8
from desktop_app.export.json_data import render_json
from desktop_app.export.options import ExportOptions

_STYLE = """
body{font:15px/1.5 system-ui,"Noto Sans KR","Malgun Gothic",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#f3f3f3}td.time{white-space:nowrap;color:#555;font-variant-numeric:tabular-nums}
tr.differ td{background:#fff8e6}tr.differ td.time{border-left:4px solid #e69500}
tr.current td{outline:2px solid #1a73e8}mark{background:#ffd24d;border-radius:2px}
.summary dt{font-weight:bold;float:left;clear:left;width:9em}.summary dd{margin-left:10em}
.failed{color:#a00}.empty{color:#999;font-style:italic}
"""

_SCRIPT = """
(function(){var rows=[].slice.call(document.querySelectorAll('tr.differ')),at=-1;
function go(step){if(!rows.length)return;if(at>=0)rows[at].classList.remove('current');
at=(at+step+rows.length)%rows.length;rows[at].classList.add('current');
rows[at].scrollIntoView({block:'center'});}
document.addEventListener('keydown',function(e){if(e.ctrlKey||e.metaKey||e.altKey)return;
if(e.key==='n'||e.key==='j')go(1);else if(e.key==='p'||e.key==='k')go(-1);});})();
"""


def _marked(text: str, others: list[str]) -> str:
    """``text`` escaped, with significant characters that no other text shares marked."""
    if not others:
        return escape(text)
    shared = [False] * len(text)
    for other in others:
        matcher = SequenceMatcher(None, text, other, autojunk=False)
        for a, _b, size in matcher.get_matching_blocks():
            for k in range(a, a + size):
                shared[k] = True
    parts: list[str] = []
    run: list[str] = []
    for char, ok in zip(text, shared, strict=True):
        if ok or not is_significant(char):
            if run:
                parts.append(f"<mark>{escape(''.join(run))}</mark>")
                run = []
            parts.append(escape(char))
        else:
            run.append(char)
    if run:
        parts.append(f"<mark>{escape(''.join(run))}</mark>")
    return "".join(parts)


def _cell(span: Span, engine: str) -> str:
    text = span.texts.get(engine, "")
    if not text:
        return '<td class="empty">—</td>'
    if span.agree:
        return f"<td>{escape(text)}</td>"
    others = [v for k, v in span.texts.items() if k != engine and v]
    return f"<td>{_marked(text, others)}</td>"


def _duration(comparison: Comparison) -> float:
    known = [t.duration for t in comparison.transcripts.values() if t.duration]
    if known:
        return max(known)
    return max((span.end for span in comparison.spans), default=0.0)


def render_html(comparison: Comparison, title: str = "") -> bytes:
    """The comparison as one self-contained UTF-8 HTML page."""
    engines = [e for e in comparison.engines if e in comparison.transcripts]
    source = title or next((t.source for t in comparison.transcripts.values() if t.source), "")
    differing = len(comparison.disagreements)
    summary = [
        ("Agreement", f"{comparison.agreement * 100:.1f}%"),
        ("Engines", ", ".join(comparison.engines)),
        ("File", source or "—"),
        ("Duration", clock(_duration(comparison))),
        ("Spans", f"{len(comparison.spans)} ({differing} differ)"),
    ]
    out = [
        "<!DOCTYPE html>",
        '<html lang="ko"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape('Comparison: ' + (source or ', '.join(engines)))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{escape('Comparison of ' + ', '.join(comparison.engines))}</h1>",
        '<dl class="summary">',
    ]
    out.extend(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in summary)
    for engine, reason in comparison.failures.items():
        out.append(f'<dt class="failed">{escape(engine)}</dt><dd class="failed">')
        out.append(f"{escape('failed: ' + reason)}</dd>")
    out.append("</dl>")
    if differing:
        out.append("<p>Keys: <kbd>n</kbd> next disagreement, <kbd>p</kbd> previous.</p>")
    out.append("<table><thead><tr><th>Time</th>")
    out.extend(f"<th>{escape(engine)}</th>" for engine in engines)
    out.append("</tr></thead><tbody>")
    for index, span in enumerate(comparison.spans):
        row_class = "" if span.agree else ' class="differ"'
        out.append(f'<tr id="span-{index}"{row_class}>')
        out.append(f'<td class="time">{clock(span.start)}–{clock(span.end)}</td>')
        out.extend(_cell(span, engine) for engine in engines)
        out.append("</tr>")
    out.append("</tbody></table>")
    if differing:
        out.append(f"<script>{_SCRIPT}</script>")
    out.append("</body></html>")
    return encode_utf8("\n".join(out) + "\n")


def _rounded(value: object, key: str = "") -> object:
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return round(value, 3) if key in ("start", "end") else value
    if isinstance(value, dict):
        return {k: _rounded(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def render_comparison_json(comparison: Comparison) -> bytes:
    """The comparison as indented UTF-8 JSON; each transcript exactly as ``sori transcribe``
    writes its JSON, span times rounded to milliseconds."""
    data = {
        "engines": list(comparison.engines),
        "transcripts": {
            name: json.loads(render_json(transcript, ExportOptions()))
            for name, transcript in comparison.transcripts.items()
        },
        "spans": _rounded([span.to_dict() for span in comparison.spans]),
        "agreement": comparison.agreement,
        "failures": dict(comparison.failures),
    }
    return encode_utf8(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
