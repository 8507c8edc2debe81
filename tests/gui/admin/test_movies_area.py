"""Movies area and its dialog: create with a poster, edit, refusals beside the field (a bad
rating, a file that is not an image), cancel leaving the database unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from bms_desktop.gui.admin.movies_area import MovieDialog, MoviesArea
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import movies
from bms_desktop.services.context import BoxOffice
from tests.support.admin_support import ADMIN, snapshot, tiny_png


def fill(dialog: MovieDialog) -> None:
    ui = dialog.ui
    ui.titleEdit.setText("The Long Monsoon")
    ui.languagesEdit.setText("Hindi, English")
    ui.genreCombo.setCurrentText("Drama")
    ui.ratingEdit.setText("7.8")
    ui.certificateCombo.setCurrentText("UA")
    ui.runtimeSpin.setValue(142)


def test_movie_dialog_creates_a_movie_with_a_poster_file(
    qtbot: QtBot, box: BoxOffice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    poster = tmp_path / "poster.png"
    poster.write_bytes(tiny_png(60, 90))
    dialog = MovieDialog(box, ADMIN)
    qtbot.addWidget(dialog)
    fill(dialog)
    monkeypatch.setattr(dialog, "choose_poster_file", lambda: poster)
    dialog.choose_button.click()
    assert not dialog.poster_label.pixmap().isNull()
    assert dialog.submit()
    movie = dialog.result_value
    assert movie.has_poster and movies.movie_poster(box, movie.movie_id) == poster.read_bytes()
    edit = MovieDialog(box, ADMIN, movie)
    qtbot.addWidget(edit)
    assert edit.ui.languagesEdit.text() == "Hindi, English"
    assert not edit.poster_label.pixmap().isNull()
    edit.ui.runtimeSpin.setValue(150)
    edit.remove_button.click()
    assert edit.submit()
    assert (edit.result_value.runtime_min, edit.result_value.has_poster) == (150, False)


def test_movie_dialog_shows_refusals_beside_the_fields(
    qtbot: QtBot, box: BoxOffice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(box)
    dialog = MovieDialog(box, ADMIN)
    qtbot.addWidget(dialog)
    fill(dialog)
    dialog.ui.ratingEdit.setText("eleven")
    assert not dialog.submit()
    assert "not a number" in dialog.field_error("rating")
    dialog.ui.ratingEdit.setText("7.8")
    dialog.ui.releaseEdit.setText("14/03/2030")
    assert not dialog.submit()
    assert "YYYY-MM-DD" in dialog.field_error("release_date")
    dialog.ui.releaseEdit.setText("")
    fake = tmp_path / "poster.png"
    fake.write_bytes(b"this is a text file")
    monkeypatch.setattr(dialog, "choose_poster_file", lambda: fake)
    dialog.choose_button.click()
    assert not dialog.submit()
    assert "not a PNG or JPEG" in dialog.field_error("poster")
    assert dialog.ui.titleEdit.text() == "The Long Monsoon"
    assert snapshot(box) == before
    dialog.reject()
    assert snapshot(box) == before


def test_movies_area_lists_and_retires(qtbot: QtBot, box: BoxOffice) -> None:
    from tests.integration.test_admin_movies import MOVIE

    movies.create_movie(box, ADMIN, MOVIE)
    area = MoviesArea(box, ADMIN, TaskRunner())
    qtbot.addWidget(area)
    area.refresh()
    qtbot.waitUntil(lambda: not area.is_loading())
    (row,) = area.table.records()
    area.table.select_key(row.movie_id)
    with qtbot.waitSignal(area.data_changed):
        area.toggle_button.click()
    assert not movies.list_movies(box, ADMIN)[0].active
    qtbot.waitUntil(lambda: not area.is_loading())
    assert area.toggle_button.text() == "Restore"
