#!/usr/bin/env bash
# Install Sori's Linux desktop integration: the menu entry (with the audio/video types it opens),
# the AppStream metadata and the icons; with --bundle, also the PyInstaller app folder itself.
#
#   packaging/linux/install.sh [--prefix DIR] [--bundle DIST_DIR] [--uninstall]
#
#   --prefix DIR       where to install (default: ~/.local, or /usr/local when run as root)
#   --bundle DIST_DIR  the one-folder build (out/pyinstaller/dist/sori): copied to
#                      PREFIX/lib/sori, with PREFIX/bin/sori linking to its executable
#   --uninstall        remove what an install with the same options put there
#
# Without --bundle the menu entry runs the `sori` found on PATH (a pip/pipx install). Files go
# to PREFIX/share/{applications,metainfo,icons/hicolor}; the desktop and icon caches are
# refreshed when their tools exist.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
icons="$repo/desktop_app/resources/icons"

if [[ $(id -u) -eq 0 ]]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
bundle=""
uninstall=0
while (($#)); do
  case "$1" in
    --prefix) prefix="$2"; shift ;;
    --bundle) bundle="$(realpath "$2")"; shift ;;
    --uninstall) uninstall=1 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
prefix="$(realpath -m "$prefix")"
share="$prefix/share"
sizes=(16 22 24 32 48 64 128 256 512)

refresh_caches() {
  if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$share/applications" || true
  fi
  if command -v gtk-update-icon-cache >/dev/null && [[ -f "$share/icons/hicolor/index.theme" ]]; then
    gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
  fi
}

if ((uninstall)); then
  rm -f "$share/applications/sori.desktop" "$share/metainfo/app.sori.Sori.metainfo.xml" \
    "$share/icons/hicolor/scalable/apps/sori.svg"
  for n in "${sizes[@]}"; do rm -f "$share/icons/hicolor/${n}x${n}/apps/sori.png"; done
  if [[ -n "$bundle" ]]; then
    rm -rf "$prefix/lib/sori"
    [[ -L "$prefix/bin/sori" ]] && rm -f "$prefix/bin/sori"
  fi
  refresh_caches
  echo "install.sh: removed Sori from $prefix"
  exit 0
fi

exec_path="sori"
if [[ -n "$bundle" ]]; then
  if [[ ! -x "$bundle/sori" ]]; then
    echo "install.sh: $bundle/sori not found; build the bundle first (scripts/package)" >&2
    exit 1
  fi
  mkdir -p "$prefix/lib" "$prefix/bin"
  rm -rf "$prefix/lib/sori.new"
  cp -a "$bundle" "$prefix/lib/sori.new"
  rm -rf "$prefix/lib/sori"
  mv "$prefix/lib/sori.new" "$prefix/lib/sori"
  ln -sfn "$prefix/lib/sori/sori" "$prefix/bin/sori"
  exec_path="$prefix/bin/sori"
elif found="$(command -v sori)"; then
  exec_path="$found"
fi

install -d "$share/applications" "$share/metainfo" "$share/icons/hicolor/scalable/apps"
# Exec and TryExec point at the installed program, so the entry works without PATH changes.
sed -e "s|^Exec=sori |Exec=$exec_path |" -e "s|^TryExec=sori$|TryExec=$exec_path|" \
  "$here/sori.desktop" >"$share/applications/sori.desktop"
chmod 644 "$share/applications/sori.desktop"
install -m 644 "$here/app.sori.Sori.metainfo.xml" "$share/metainfo/"
install -m 644 "$icons/sori.svg" "$share/icons/hicolor/scalable/apps/sori.svg"
for n in "${sizes[@]}"; do
  install -D -m 644 "$icons/sori-$n.png" "$share/icons/hicolor/${n}x${n}/apps/sori.png"
done
refresh_caches
echo "install.sh: installed Sori's desktop entry, metadata and icons under $share (runs $exec_path)"
