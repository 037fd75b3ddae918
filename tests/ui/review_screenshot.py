"""A screenshot of review mode (two engines' Korean transcripts of one meeting, compared).

Run under a real (virtual) display so fonts and styles are those of a desktop::

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m tests.ui.review_screenshot --out /tmp

Writes ``review.png`` to ``--out``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from desktop_app.core.compare import compare_results
from desktop_app.core.transcript import Segment, Transcript
from desktop_app.ui.app import create_application
from desktop_app.ui.review_window import ReviewWindow

CLIP = Path(__file__).resolve().parents[2] / "tests" / "data" / "ko_short.wav"
LINES = [
    ("안녕하세요, 오늘 회의를 시작하겠습니다.", "안녕하세요 오늘 회의를 시작하겠습니다."),
    ("첫 번째 안건은 차단기 교체 일정입니다.", "첫 번째 안건은 차단계 교체 일정입니다."),
    ("공사는 다음 주 화요일 세 시에 시작합니다.", "공사는 다음 주 화요일 네 시에 시작합니다."),
    ("예산은 이미 승인되었습니다.", "예산은 이미 승인되었습니다."),
    ("리턴제로 담당자가 현장을 확인할 예정입니다.", "리턴 제로 담당자가 현장을 확인할 예정입니다."),
    ("질문 있으시면 말씀해 주세요.", "질문 있으시면 말씀해주세요."),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    create_application()
    first = Transcript([Segment(i * 3.0, i * 3.0 + 3.0, a) for i, (a, _) in enumerate(LINES)])
    second = Transcript([Segment(i * 3.0, i * 3.0 + 3.0, b) for i, (_, b) in enumerate(LINES)])
    comparison = compare_results(["local", "rtzr"], {"local": first, "rtzr": second}, {})
    review = ReviewWindow(comparison, CLIP, "회의.m4a")
    review.resize(1000, 620)
    review.show()
    review.next()
    review.choose_engine("rtzr")
    review.next()
    for _ in range(20):
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    target = Path(args.out) / "review.png"
    review.grab().save(str(target))
    print(target)
    review.close()


if __name__ == "__main__":
    main()
