#!/bin/bash
# The README's pictures of a first run in the real QGIS desktop, on a virtual display with a
# window manager (Debian: xvfb, xauth, openbox, chromium), with a fresh QGIS profile holding
# only this plugin:
#   docs/dialog.png            the Processing dialog at its default size, filled in for the sample
#   docs/canvas_after_run.png  QGIS right after Run: the outputs loaded, styled and in view
#   docs/help_page.png         the page the dialog's Help button opens (shipped with the plugin)
# usage (from anywhere): bash docs/make_desktop_screenshots.sh [OUTPUT_FOLDER]
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
FOLDER=$(realpath -m "${1:-$REPO_ROOT/docs}")
mkdir -p "$FOLDER"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PROFILE="$WORK/profiles/default"
mkdir -p "$PROFILE/python/plugins" "$PROFILE/QGIS"
ln -s "$REPO_ROOT" "$PROFILE/python/plugins/colormap_decoder"
printf '[PythonPlugins]\ncolormap_decoder=true\n' > "$PROFILE/QGIS/QGIS3.ini"

env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$WORK" LANG=C.UTF-8 \
    REPO_ROOT="$REPO_ROOT" SCREENSHOT_FOLDER="$FOLDER" \
    xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
        openbox >/dev/null 2>&1 &
        sleep 1
        qgis --profiles-path "'"$WORK"'" --nologo --noversioncheck \
            --code "'"$REPO_ROOT"'/docs/desktop_screenshots.py"'

HELP_URL=$(cat "$FOLDER/help_url.txt")
rm -f "$FOLDER/help_url.txt"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$WORK/chromium" --window-size=1100,1400 \
    --screenshot="$FOLDER/help_page.png" "$HELP_URL" 2>/dev/null
echo "$FOLDER/help_page.png"
