"""The "Fix N instances" offer above a transcript made with a glossary that has heard-as forms.

:class:`GlossaryFixOffer` adds a button to the notice bar; pressing it replaces every heard-as
form with its word (:func:`~desktop_app.core.glossary.fix_transcript`) as one undoable edit on the
transcript model's undo stack.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from desktop_app.core.glossary import Glossary, fix_transcript
from desktop_app.ui import segment_ops
from desktop_app.ui.notices import NoticeBar
from desktop_app.ui.transcript_model import TranscriptModel
from desktop_app.ui.transcript_undo import ReplaceSegments


def fix_all(model: TranscriptModel, glossary: Glossary, label: str) -> int:
    """Replace every heard-as form in ``model`` as one undo step; returns how many."""
    fixed, fixes = fix_transcript(model.transcript(), glossary)
    if not fixes:
        return 0
    rows = sorted({fix.segment for fix in fixes})
    changes = {
        row: (model.segment(row), segment_ops.retext(model.segment(row), fixed.segments[row].text))
        for row in rows
    }
    model.undo_stack.push(ReplaceSegments(model, changes, label))
    return len(fixes)


class GlossaryFixOffer(QObject):
    """Offers the glossary's fixes for the shown transcript. GUI thread only."""

    def __init__(self, bar: NoticeBar, model: TranscriptModel, parent: QObject | None = None):
        super().__init__(parent)
        self.bar = bar
        self.model = model
        self.glossary: Glossary | None = None
        self.button = bar.add_button("", "glossary_fix")
        self.button.hide()
        self.button.clicked.connect(self.apply)

    def count(self) -> int:
        if self.glossary is None:
            return 0
        return len(fix_transcript(self.model.transcript(), self.glossary)[1])

    def offer(self, glossary: Glossary | None, name: str = "") -> int:
        """Show the button when ``glossary`` would change the shown transcript."""
        self.glossary = glossary if glossary is not None and glossary.replacements() else None
        count = self.count()
        if not count:
            self.button.hide()
            return 0
        self.button.setText(self.tr("Fix %n instances", "", count))
        self.button.setToolTip(
            self.tr("Replace what the engine heard with the glossary's words (%s)") % name
        )
        self.button.show()
        if self.bar.isHidden():
            self.bar.show_text(
                self.tr("The glossary '%s' lists words this transcript misheard.") % name
            )
        return count

    def apply(self) -> int:
        if self.glossary is None:
            return 0
        done = fix_all(self.model, self.glossary, self.tr("Fix glossary words"))
        self.button.hide()
        return done
