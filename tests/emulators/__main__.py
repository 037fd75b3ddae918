"""Run one emulator by hand: ``python -m tests.emulators NAME [--port N]``.

Prints the base URL, the endpoints and the test credentials, then serves until Ctrl+C.
"""

from __future__ import annotations

import argparse
import threading

from tests.emulators import EMULATORS, EmulatorServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.emulators", description=__doc__)
    parser.add_argument("name", choices=sorted(EMULATORS))
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    args = parser.parse_args(argv)
    server = EmulatorServer(EMULATORS[args.name](), port=args.port).start()
    try:
        print(f"{args.name} emulator at {server.base_url}")
        for label, url in server.emulator.endpoints(server.base_url).items():
            print(f"  {label}: {url}")
        print("credentials:")
        for label, value in server.emulator.credentials().items():
            print(f"  {label}: {value}")
        print(
            f"fault control: POST {server.base_url}/_emulator/faults (Ctrl+C to stop)", flush=True
        )
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
