"""CSV as spreadsheets write it: separators, decimal commas, header names, labels that are not ids."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from playground.data import Dataset, ImportNotice, load_dataset, make_dataset, read_dataset, save_dataset


def _read(tmp_path, text: str, name: str = "sheet.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return read_dataset(path)


@pytest.mark.parametrize(
    "text",
    [
        "x1,x2,label\n1.5,2,0\n-3,4.25,1\n",
        "x1;x2;label\n1.5;2;0\n-3;4.25;1\n",
        "X1;X2;Label\r\n1,5;2;0\r\n-3;4,25;1\r\n",  # a European spreadsheet: decimal commas
        "x1\tx2\tlabel\n1.5\t2\t0\n-3\t4.25\t1\n",
        "x,y,class\n1.5,2,0\n-3,4.25,1\n",
        "X,Y,Class\n1.5,2,0\n-3,4.25,1\n",
        "x_1, x_2 , CATEGORY\n1.5,2,0\n-3,4.25,1\n",
        "label,x1,x2\n0,1.5,2\n1,-3,4.25\n",  # columns found by name, in any order
        "x1;x2;label;;\n1,5;2;0;;\n-3;4,25;1;;\n",  # trailing empty columns
        '"x1";"x2";"label"\n"1,5";"2";"0"\n"-3";"4,25";"1"\n',
    ],
)
def test_spreadsheet_layouts_read_the_same_points(tmp_path, text):
    loaded = _read(tmp_path, text)
    assert loaded.notices == ()
    ds = loaded.dataset
    assert ds.X.tolist() == [[1.5, 2.0], [-3.0, 4.25]]
    assert ds.y.tolist() == [0, 1] and ds.task == "classification" and ds.n_classes == 2


def test_split_and_regression_headers(tmp_path):
    ds = _read(tmp_path, "X;Y;Value;Set\n1;2;0,5;Test\n3;4;-1,25;training\n").dataset
    assert ds.task == "regression" and ds.y.tolist() == [0.5, -1.25] and ds.is_test.tolist() == [True, False]
    ds = _read(tmp_path, "x1,x2,y\n1,2,1\n3,4,0\n").dataset  # y beside x1, x2 is the label
    assert ds.task == "classification" and ds.y.tolist() == [1, 0]


@pytest.mark.parametrize(
    "labels,ids,names,shown",
    [
        ([1, 2, 2, 1], [0, 1, 1, 0], ("class 1", "class 2"), "1 as class 1, 2 as class 2"),
        ([1, 2, 3], [0, 1, 2], ("class 1", "class 2", "class 3"), "3 as class 3"),
        ([-1, 1, 1], [0, 1, 1], ("class -1", "class 1"), "-1 as class 1, 1 as class 2"),
        ([10, 30, 20], [0, 2, 1], ("class 10", "class 20", "class 30"), "10 as class 1"),
    ],
)
def test_labels_without_zero_are_renumbered_and_said_so(tmp_path, labels, ids, names, shown):
    rows = "".join(f"{i},{i},{label}\n" for i, label in enumerate(labels))
    loaded = _read(tmp_path, "x,y,class\n" + rows)
    assert loaded.dataset.y.tolist() == ids
    assert loaded.dataset.class_names == names
    (notice,) = loaded.notices
    assert notice.startswith("sheet.csv: the labels do not include 0") and shown in notice
    assert not np.any(np.bincount(loaded.dataset.y, minlength=loaded.dataset.n_classes) == 0)  # no empty class


def test_labels_that_are_names_become_named_classes(tmp_path):
    loaded = _read(
        tmp_path,
        "x1;x2;species\n".replace("species", "label") + "1;2;versicolor\n3;4;setosa\n5;6;versicolor\n7;8;virginica\n",
    )
    ds = loaded.dataset
    assert ds.class_names == ("setosa", "versicolor", "virginica")
    assert ds.y.tolist() == [1, 0, 1, 2]
    assert "are names" in loaded.notices[0] and "setosa as class 1" in loaded.notices[0]


def test_a_file_without_header_is_read_as_x1_x2_label(tmp_path):
    loaded = _read(tmp_path, "1.5,2,0\n-3,4.25,1\n")
    assert loaded.dataset.X.tolist() == [[1.5, 2.0], [-3.0, 4.25]] and loaded.dataset.y.tolist() == [0, 1]
    assert loaded.notices == ("sheet.csv: no header row; the columns were read as x1, x2, label",)


def test_load_dataset_issues_the_notices_as_warnings(tmp_path):
    path = tmp_path / "one_based.csv"
    path.write_text("x,y,class\n1,2,1\n3,4,2\n")
    with pytest.warns(ImportNotice, match=r"^one_based\.csv: the labels do not include 0"):
        ds = load_dataset(path)
    assert ds.y.tolist() == [0, 1]


def test_the_apps_own_files_keep_their_class_ids(tmp_path):
    # Class 1 has no points left: the app's own CSV still means class ids, so nothing moves.
    ds = Dataset([[0.0, 1.0], [2.0, 3.0]], [1, 2], n_classes=3)
    save_dataset(tmp_path / "own.csv", ds)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and nothing to say about it
        back = load_dataset(tmp_path / "own.csv")
    assert back.y.tolist() == [1, 2] and back.n_classes == 3
    plain = make_dataset("blobs", n=40, seed=0, classes=4, test_fraction=0.25)
    save_dataset(tmp_path / "plain.csv", plain)
    assert read_dataset(tmp_path / "plain.csv") == type(read_dataset(tmp_path / "plain.csv"))(plain, ())


@pytest.mark.parametrize(
    "text,fragments",
    [
        ("x,y,class\n" + "".join(f"{i},0,{i + 1}\n" for i in range(9)), ["line 10", "9 different labels"]),
        ("x,y,class\n1,2,1\n1,2,1.5\n", ["line 3", "label '1.5' is not a whole number"]),
        ("x;y;class\n1;2;\n", ["line 2", "the label is empty"]),
        ("x1,x2,label,label\n1,2,0,0\n", ["line 1", "header column 'label' repeats a column"]),
        ("x1,x2,label,value\n1,2,0,0\n", ["line 1", "repeats"]),
        ("x,z\n1,2\n", ["line 1", "no x1 and x2"]),
        ("1,2\n", ["line 1", "no header and 2 columns"]),
        ("x1;x2;label\n1,5;2,5,5;0\n", ["line 2", "'2,5,5' in column x2 is not a number"]),
        ("x1,x2,label\n1,2,0,\n3,4,1,5\n", ["line 3", "4 columns, expected 3"]),
    ],
)
def test_what_stays_an_error(tmp_path, text, fragments):
    with pytest.raises(ValueError) as raised:
        _read(tmp_path, text)
    message = str(raised.value)
    assert message.startswith("sheet.csv"), message
    for fragment in fragments:
        assert fragment in message, message


def test_a_row_of_millions_of_cells_is_refused_before_it_is_built(tmp_path):
    text = "x1;x2;label\n1;2;" + "ab;" * 2_000_000 + "0\n"  # 6 MB that would build 2 million strings
    with pytest.raises(ValueError, match=r"^sheet\.csv: holds 2,000,004 semicolons, more than the 1,600,016"):
        _read(tmp_path, text)
