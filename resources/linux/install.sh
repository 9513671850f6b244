#!/bin/sh
# Add Playground to the desktop's application menu for the current user, with its icon, and make
# *.playground.json files open with it (freedesktop.org menus and MIME types: GNOME, KDE, Xfce...).
#
#   sh resources/linux/install.sh [PATH/TO/playground]     # install
#   sh resources/linux/install.sh --uninstall              # remove again
#
# PATH/TO/playground defaults to the `playground` command found on PATH; give the full path when
# Playground lives in a venv, e.g. ~/playground-venv/bin/playground. Needs xdg-utils.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
icons="$here/../../playground/resources/icons"
name=backprop-playground

if [ "${1:-}" = "--uninstall" ]; then
    xdg-desktop-menu uninstall --novendor "$name.desktop"
    xdg-mime uninstall --novendor "$here/$name-mime.xml"
    for size in 16 24 32 48 64 128 256; do
        xdg-icon-resource uninstall --novendor --size "$size" "$name"
        xdg-icon-resource uninstall --novendor --context mimetypes --size "$size" application-x-playground-session
    done
    echo "Playground removed from the application menu."
    exit 0
fi

command=${1:-$(command -v playground || true)}
if [ -z "$command" ] || [ ! -x "$command" ]; then
    echo "install.sh: no playground command found; give its full path, e.g. ~/playground-venv/bin/playground" >&2
    exit 2
fi
for size in 16 24 32 48 64 128 256; do
    xdg-icon-resource install --novendor --size "$size" "$icons/playground-$size.png" "$name"
    xdg-icon-resource install --novendor --context mimetypes --size "$size" "$icons/playground-$size.png" \
        application-x-playground-session
done
xdg-mime install --novendor "$here/$name-mime.xml"
# The menu entry runs this very command, wherever it is installed.
tmp=$(mktemp -d)
sed -e "s|^Exec=.*|Exec=\"$command\" %f|" -e "s|^TryExec=.*|TryExec=$command|" "$here/$name.desktop" > "$tmp/$name.desktop"
xdg-desktop-menu install --novendor "$tmp/$name.desktop"
rm -r "$tmp"
xdg-mime default "$name.desktop" application/x-playground-session
echo "Playground added to the application menu (it runs $command)."
