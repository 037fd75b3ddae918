"""Entry point of the PyInstaller bundle: the same ``sori`` command as the installed package.

Without arguments (or with only file names) it opens the window; with a subcommand it runs the
command line. See packaging/pyinstaller/sori.spec.
"""

from desktop_app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
