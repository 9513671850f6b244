"""Light and dark themes for the whole window, and the choice of class palette.

``apply_theme(window, "dark")`` sets the application's Qt palette (so panels,
menus, dialogs and tooltips follow) and every plot's ``apply_theme(dark)``.

The class palette is data, not view: a dataset carries its class colours (they
are saved with a session and every plot, the class selector and the activation
view read them). ``apply_class_palette(window, "tol-bright")`` therefore
recolours the session's dataset, and keeps recolouring every dataset that
arrives later (a new preset, a loaded session, an added class) as long as its
colours come from one of the known palettes; colours set some other way are
left alone. The recolouring is not an undo step: it changes how classes look,
not the data.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from ...data.palette import OKABE_ITO
from ..plots.style import DARK, ThemedPlot

THEMES = ("light", "dark")

# Paul Tol's "bright" scheme (blue, red, green, yellow, cyan, purple, grey; ordered so the
# first pair is the most distinct), with the indigo of his "muted" scheme as an eighth colour.
# Safe for colour-blind viewers and of higher contrast against each other than Okabe-Ito.
TOL_BRIGHT: tuple[str, ...] = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB", "#332288")
CLASS_PALETTES: dict[str, tuple[str, ...]] = {"okabe-ito": OKABE_ITO, "tol-bright": TOL_BRIGHT}
PALETTE_TITLES = {"okabe-ito": "Okabe-Ito (default)", "tol-bright": "Paul Tol bright (high contrast)"}


class ThemeState(QObject):
    """The window's current theme and class palette; ``changed(theme, palette)`` after a switch
    (for whoever saves settings)."""

    changed = Signal(str, str)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("themeState")
        self.window = window
        self.theme = "light"
        self.palette = "okabe-ito"
        window.session.datasetChanged.connect(self.recolour)

    def recolour(self, *_: object) -> None:
        """Give the session's dataset the chosen palette's colours, where it uses a known palette."""
        dataset = self.window.session.dataset
        if dataset.task != "classification":
            return
        chosen = CLASS_PALETTES[self.palette]
        colors = tuple(chosen[i] if _known_color(i, color) else color for i, color in enumerate(dataset.class_colors))
        if colors != dataset.class_colors:
            # Re-entrant: replace_dataset emits datasetChanged, which finds nothing left to do.
            self.window.session.replace_dataset(dataset.with_classes(dataset.n_classes, colors=colors))


def _known_color(index: int, color: str) -> bool:
    return any(index < len(p) and p[index].upper() == color.upper() for p in CLASS_PALETTES.values())


def theme_state(window) -> ThemeState:
    """The window's :class:`ThemeState`, created on first use."""
    state = window.findChild(ThemeState, "themeState")
    return state if state is not None else ThemeState(window)


def _dark_palette() -> QPalette:
    """A Qt palette in the colours of the plots' dark theme."""
    base, text = QColor(DARK.background), QColor(DARK.foreground)
    window_color = QColor("#2B2D31")
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, color in (
        (roles.Window, window_color),
        (roles.WindowText, text),
        (roles.Base, base),
        (roles.AlternateBase, window_color),
        (roles.Text, text),
        (roles.Button, QColor("#3A3C42")),
        (roles.ButtonText, text),
        (roles.ToolTipBase, QColor("#3A3C42")),
        (roles.ToolTipText, text),
        (roles.PlaceholderText, QColor(DARK.faint)),
        (roles.BrightText, QColor("#FFFFFF")),
        (roles.Highlight, QColor("#3D7CC9")),
        (roles.HighlightedText, QColor("#FFFFFF")),
        (roles.Link, QColor("#8AB4F8")),
        (roles.Light, QColor("#4A4C52")),
        (roles.Midlight, QColor("#42444A")),
        (roles.Mid, QColor("#32343A")),
        (roles.Dark, QColor("#1A1B1E")),
        (roles.Shadow, QColor("#000000")),
    ):
        palette.setColor(role, color)
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#7A7A7A"))
    return palette


def apply_theme(window, name: str) -> None:
    """Switch the whole window to the ``"light"`` or ``"dark"`` theme."""
    if name not in THEMES:
        raise ValueError(f"theme: expected one of {', '.join(THEMES)}, got {name!r}")
    app = QApplication.instance()
    dark = name == "dark"
    if dark and app.style().name().lower() != "fusion":
        # Native styles (Windows, macOS) draw parts of their controls without the palette;
        # Fusion draws everything from it. Switching back to light keeps Fusion, in its light palette.
        app.setStyle(QStyleFactory.create("Fusion"))
    app.setPalette(_dark_palette() if dark else app.style().standardPalette())
    _repolish_style_sheets(window)
    for plot in window.findChildren(ThemedPlot):
        plot.apply_theme(dark)
    state = theme_state(window)
    state.theme = name
    state.changed.emit(state.theme, state.palette)


def _repolish_style_sheets(window) -> None:
    """Let widgets with a style sheet of their own take the new palette.

    Qt resolves such a widget's palette (and font) once, when its sheet is set, and
    keeps it through later application palette changes: the Export button's text
    stayed black on the dark theme. Setting the same sheet again resolves them anew.
    """
    for widget in [window, *window.findChildren(QWidget)]:
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet("")
            widget.setStyleSheet(sheet)


def apply_class_palette(window, name: str) -> None:
    """Colour the classes with the palette ``name`` (a key of ``CLASS_PALETTES``)."""
    if name not in CLASS_PALETTES:
        raise ValueError(f"class palette: expected one of {', '.join(CLASS_PALETTES)}, got {name!r}")
    state = theme_state(window)
    state.palette = name
    state.recolour()
    state.changed.emit(state.theme, state.palette)


def install_theme_menu(window) -> None:
    """View → Theme: light or dark, and the class palette."""
    state = theme_state(window)
    menu = window.menu("&View").addMenu("&Theme")
    menu.setObjectName("themeMenu")
    themes = QActionGroup(menu)
    for name in THEMES:
        action = themes.addAction(QAction(name.capitalize(), menu, checkable=True, objectName=f"theme-{name}"))
        action.triggered.connect(lambda checked=False, n=name: apply_theme(window, n))
        menu.addAction(action)
    menu.addSeparator()
    palettes = QActionGroup(menu)
    for name, title in PALETTE_TITLES.items():
        action = palettes.addAction(QAction(f"Classes: {title}", menu, checkable=True, objectName=f"palette-{name}"))
        action.setToolTip(
            "Both palettes are safe for colour-blind viewers; Paul Tol's has more contrast between classes."
        )
        action.triggered.connect(lambda checked=False, n=name: apply_class_palette(window, n))
        menu.addAction(action)

    def check_current(*_: object) -> None:
        # Settings may apply a theme from code: the menu follows.
        window.findChild(QAction, f"theme-{state.theme}").setChecked(True)
        window.findChild(QAction, f"palette-{state.palette}").setChecked(True)

    state.changed.connect(check_current)
    check_current()
