"""Datasets as files: File > Import Dataset (one undoable step) and Export Dataset (CSV or JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ...data import read_dataset, save_dataset
from ...training.sessions import SUFFIX as SESSION_SUFFIX
from ..session.commands import short_text
from ..shell import dialogs
from .file_names import DATASET_FILTERS, dataset_file_name
from .reading import FileFlow, choose_and_read

if TYPE_CHECKING:
    pass


class DatasetFiles(FileFlow):
    """Replaces the points of ``window``'s session with a file's, or writes them to one."""

    def import_dataset(self, path: str | Path | None = None) -> bool:
        """Replace the points with a dataset file's, as one undoable step."""
        ask = (self.settings.last_folder, f"Datasets (*.csv *.json);;{DATASET_FILTERS};;All files (*)")
        read = choose_and_read(self.window, path, "Import dataset", ask, read_dataset, "Reading")
        if read is None:
            return False
        path, loaded = read
        dataset = loaded.dataset
        self.session.set_dataset(dataset, f"Import {path.name}")
        self.recent.remember(path)
        said = " ".join(loaded.notices)  # how the file was read, when that is not obvious
        self.session.message.emit(
            "info", f"Imported {dataset.n} points from {short_text(path.name)}." + (f" {said}" if said else "")
        )
        return True

    def export_dataset(self, path: str | Path | None = None) -> bool:
        """Write the points to a CSV or JSON file (asking for one when ``path`` is None)."""
        if path is None:
            stem = Path(self.document.display_name).name.removesuffix(SESSION_SUFFIX)
            chosen, chosen_filter = dialogs.choose_save_path(
                self.window, "Export dataset", str(Path(self.settings.last_folder) / f"{stem}.csv"), DATASET_FILTERS
            )
            if not chosen:
                return False
            path = dataset_file_name(chosen, chosen_filter)
        path = Path(path)
        try:
            save_dataset(path, self.session.dataset)
        except ValueError as exc:
            dialogs.show_error(self.window, "Export dataset", str(exc))
            return False
        except OSError as exc:
            dialogs.show_error(self.window, "Export dataset", f"Could not write {path.name}: {exc.strerror or exc}.")
            return False
        self.recent.remember(path)
        self.session.message.emit("info", f"Exported {self.session.dataset.n} points to {path.name}.")
        return True
