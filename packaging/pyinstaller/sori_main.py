"""Entry point of the PyInstaller bundle: the same ``sori`` command as the installed package.

Without arguments (or with only file names) it opens the window; with a subcommand it runs the
command line. See packaging/pyinstaller/sori.spec.

The Vosk engine recognizes files in child processes (multiprocessing, spawn); in a frozen
program those children start this same executable, and ``freeze_support`` turns them into
workers before the app itself starts.
"""

import multiprocessing

from desktop_app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
