"""Setting up a new inspection: template, authority, dates, team, and who I am."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldwork.model import Role
from ui.dialogs.keys import main_button
from ui.security.new_file import EncryptChoice
from ui.session import DEFAULT_TEMPLATE, NewInspection, template_names


def _slug(text: str) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(p for p in keep.split("-") if p) or "inspection"


class NewInspectionDialog(QDialog):
    """A short form; :meth:`spec` gives what was entered once it is accepted."""

    def __init__(self, parent: QWidget | None = None, *, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Inspection")
        self.setObjectName("newInspectionDialog")
        self._folder = folder or Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            or Path.home()
        )
        self._path_edited = False

        self.template = QComboBox()
        self.template.setAccessibleName("Letter template")
        for name, label in template_names():
            self.template.addItem(label, name)
        default = self.template.findData(DEFAULT_TEMPLATE)
        if default >= 0:
            self.template.setCurrentIndex(default)
        self.authority = QLineEdit()
        self.authority.setAccessibleName("Authority")
        self.authority.setPlaceholderText("e.g. London Borough of Bromley")
        self.title = QLineEdit()
        self.title.setAccessibleName("Inspection title")
        self.title.setPlaceholderText("optional")
        today = QDate.currentDate()
        self.first_day = QDateEdit(today)
        self.first_day.setCalendarPopup(True)
        self.first_day.setDisplayFormat("d MMM yyyy")
        self.first_day.setAccessibleName("First day of fieldwork")
        self.last_day = QDateEdit(today.addDays(1))
        self.last_day.setCalendarPopup(True)
        self.last_day.setDisplayFormat("d MMM yyyy")
        self.last_day.setAccessibleName("Last day of fieldwork")
        dates = QHBoxLayout()
        dates.addWidget(self.first_day)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.last_day)
        dates.addStretch(1)
        self.team = QPlainTextEdit()
        self.team.setAccessibleName("Team")
        self.team.setTabChangesFocus(True)
        self.team.setPlaceholderText("One name a line; the first is the lead inspector.")
        self.team.setFixedHeight(96)
        self.me = QComboBox()
        self.me.setAccessibleName("Who I am")
        self.path = QLineEdit()
        self.path.setAccessibleName("File")
        browse = QPushButton("Choose…")
        browse.setAutoDefault(False)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        self.problem = QLabel("")
        self.problem.setStyleSheet("color: #b3261e;")

        form = QFormLayout()
        form.addRow("&Letter template:", self.template)
        form.addRow("&Authority:", self.authority)
        form.addRow("T&itle:", self.title)
        dates_label = QLabel("&Fieldwork dates:")
        dates_label.setBuddy(self.first_day)
        form.addRow(dates_label, dates)
        form.addRow("&Team:", self.team)
        form.addRow("&I am:", self.me)
        file_label = QLabel("Fi&le:")
        file_label.setBuddy(self.path)
        form.addRow(file_label, file_row)
        self.encryption = EncryptChoice()
        form.addRow("", self.encryption)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        main_button(self, self.buttons.button(QDialogButtonBox.StandardButton.Ok))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self.team.textChanged.connect(self._team_changed)
        self.authority.textChanged.connect(self._suggest_path)
        self.first_day.dateChanged.connect(self._suggest_path)
        self.first_day.dateChanged.connect(self._keep_order)
        self.path.textEdited.connect(self._path_typed)
        browse.clicked.connect(self._browse)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self._suggest_path()
        self._team_changed()

    def _names(self) -> list[str]:
        return [n.strip() for n in self.team.toPlainText().splitlines() if n.strip()]

    def _team_changed(self) -> None:
        current = self.me.currentText()
        names = self._names()
        self.me.blockSignals(True)
        self.me.clear()
        self.me.addItems(names)
        if current in names:
            self.me.setCurrentText(current)
        self.me.blockSignals(False)

    def _keep_order(self, date: QDate) -> None:
        if self.last_day.date() < date:
            self.last_day.setDate(date)

    def _path_typed(self) -> None:
        self._path_edited = True

    def _suggest_path(self) -> None:
        if self._path_edited:
            return
        name = f"{_slug(self.authority.text() or 'inspection')}-"
        name += self.first_day.date().toString("yyyy-MM-dd") + ".fieldwork"
        self.path.setText(str(self._folder / name))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "New Inspection File", self.path.text(), "Inspections (*.fieldwork)"
        )
        if path:
            if not path.endswith(".fieldwork"):
                path += ".fieldwork"
            self.path.setText(path)
            self._path_edited = True

    def problem_text(self) -> str:
        if not self.authority.text().strip():
            return "Enter the authority's name."
        if not self._names():
            return "Enter the team, one name a line."
        path = Path(self.path.text().strip())
        if not self.path.text().strip():
            return "Choose where to save the file."
        if path.exists():
            return "That file already exists; choose another name."
        if not path.parent.is_dir():
            return "That folder does not exist."
        return self.encryption.problem_text()

    def _accept(self) -> None:
        problem = self.problem_text()
        self.problem.setText(problem)
        if not problem:
            self.accept()

    def spec(self) -> NewInspection:
        names = self._names()
        path = Path(self.path.text().strip())
        if path.suffix != ".fieldwork":
            path = path.with_name(path.name + ".fieldwork")
        return NewInspection(
            path=path,
            template=str(self.template.currentData()),
            authority=self.authority.text().strip(),
            title=self.title.text().strip(),
            first_day=self.first_day.date().toPython(),  # type: ignore[arg-type]
            last_day=self.last_day.date().toPython(),  # type: ignore[arg-type]
            team=[(n, Role.LEAD if i == 0 else Role.TEAM) for i, n in enumerate(names)],
            me=self.me.currentText() or (names[0] if names else ""),
        )


