"""The letter's pages on screen: a scrolling, zoomable column of page images.

The pages arrive as :class:`QImage` objects rasterised off the GUI thread
(:func:`ui.letter.pages.rasterise`) at :meth:`PageView.raster_scale`. A zoom shows the
pages it has scaled at once, and asks (``rerender_wanted``) for sharp ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

MIN_ZOOM = 0.25
MAX_ZOOM = 4.0
ZOOM_STEP = 1.25
GAP = 18
PAGE_STYLE = "QLabel { background: white; border: 1px solid #6b7075; }"


class PageView(QScrollArea):
    """The pages of one PDF, one under the other.

    Signals:
        zoom_changed(float): the zoom (1.0 is actual size) changed.
        rerender_wanted(float): pages at this raster scale would be sharp now.
    """

    zoom_changed = Signal(float)
    rerender_wanted = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("letterPreview")
        self.setAccessibleName("Letter preview")
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet("QScrollArea#letterPreview, QWidget#previewPages "
                           "{ background: #9ea4aa; }")
        pages = QWidget()
        pages.setObjectName("previewPages")
        self._column = QVBoxLayout(pages)
        self._column.setContentsMargins(GAP, GAP, GAP, GAP)
        self._column.setSpacing(GAP)
        self._column.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.message = QLabel()
        self.message.setObjectName("previewMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("QLabel { color: white; font-size: 12pt; }")
        self.message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._column.addWidget(self.message)
        self.setWidget(pages)
        self._labels: list[QLabel] = []
        #: Each page's image and the scale (px/pt) it was rasterised at.
        self._pages: list[tuple[QImage, float]] = []
        self._sizes: list[QSizeF] = []
        self.zoom = 1.0
        self.fit_width = True
        self._rerender = QTimer(self)
        self._rerender.setSingleShot(True)
        self._rerender.setInterval(120)
        self._rerender.timeout.connect(self._ask_rerender)
        self.show_message("The letter is being compiled…")

    # ------------------------------------------------------------------ scales
    def points_to_pixels(self) -> float:
        """Screen pixels (device-independent) per PDF point at the current zoom."""
        return self.zoom * self.logicalDpiX() / 72.0

    def raster_scale(self) -> float:
        """Pixels per point to rasterise at for sharp pages at the current zoom."""
        return self.points_to_pixels() * self.devicePixelRatioF()

    @property
    def page_count(self) -> int:
        return len(self._pages)

    @property
    def images(self) -> list[QImage]:
        return [image for image, _scale in self._pages]

    # ----------------------------------------------------------------- showing
    def show_message(self, text: str) -> None:
        """A line in place of the pages (while compiling, or when compiling failed)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def show_pages(self, images: Sequence[QImage | None], sizes: list[QSizeF],
                   scale: float) -> None:
        """Show ``images`` (rasterised at ``scale`` px/pt) of pages ``sizes`` (pt), keeping
        the scroll position.

        A page given as None (not yet rasterised: it is out of sight) keeps its last image
        until :meth:`update_pages` brings the new one.
        """
        h, v = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        old = self._pages
        blank = QImage(1, 1, QImage.Format.Format_RGBX8888)
        blank.fill(Qt.GlobalColor.white)
        self._pages = [
            (image, scale) if image is not None
            else old[i] if i < len(old) else (blank, 0.0)
            for i, image in enumerate(images)
        ]
        self._sizes = list(sizes)
        if self.fit_width:
            self._fit(emit=False)
        while len(self._labels) < len(self._pages):
            label = QLabel()
            label.setObjectName(f"page{len(self._labels) + 1}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet(PAGE_STYLE)
            self._column.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self._labels.append(label)
        for extra in self._labels[len(self._pages):]:
            extra.hide()
        self.message.setVisible(False)
        self._lay_out()
        self._column.activate()
        self.horizontalScrollBar().setValue(h)
        self.verticalScrollBar().setValue(v)
        if abs(scale - self.raster_scale()) > 1e-3:
            self._rerender.start()

    def update_pages(self, images: dict[int, QImage], scale: float) -> None:
        """Put in pages rasterised after the others (by index)."""
        for i, image in images.items():
            if i < len(self._pages):
                self._pages[i] = (image, scale)
                self._lay_out_page(i)

    def visible_pages(self) -> list[int]:
        """The pages at least partly in view (the first page when none is shown yet)."""
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        seen = [i for i, label in enumerate(self._labels[:len(self._pages)])
                if label.y() < bottom and label.y() + label.height() > top]
        return seen or [0]

    def clear(self, text: str = "") -> None:
        self._pages, self._sizes = [], []
        for label in self._labels:
            label.hide()
        self.show_message(text)

    def _lay_out(self) -> None:
        for i in range(min(len(self._pages), len(self._sizes))):
            self._lay_out_page(i)

    def _lay_out_page(self, i: int) -> None:
        label, (image, scale), size = self._labels[i], self._pages[i], self._sizes[i]
        ratio = self.devicePixelRatioF()
        per_point = self.points_to_pixels()
        shown = QSize(round(size.width() * per_point), round(size.height() * per_point))
        pixmap = QPixmap.fromImage(image)
        if abs(scale - per_point * ratio) > 1e-3:
            pixmap = pixmap.scaled(shown * ratio, Qt.AspectRatioMode.IgnoreAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        pixmap.setDevicePixelRatio(ratio)
        label.setFixedSize(shown + QSize(2, 2))
        label.setPixmap(pixmap)
        label.show()

    # -------------------------------------------------------------------- zoom
    def set_zoom(self, zoom: float, *, fit: bool = False) -> None:
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        self.fit_width = fit
        if abs(zoom - self.zoom) < 1e-4:
            return
        bar = self.verticalScrollBar()
        where = bar.value() / max(1, bar.maximum()) if bar.maximum() else 0.0
        self.zoom = zoom
        if self._pages:
            self._lay_out()
            self._column.activate()
            bar.setValue(round(where * bar.maximum()))
            self._rerender.start()
        self.zoom_changed.emit(zoom)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / ZOOM_STEP)

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def zoom_to_fit_width(self) -> None:
        self.fit_width = True
        self._fit(emit=True)

    def _fit(self, *, emit: bool) -> None:
        widest = max((s.width() for s in self._sizes), default=595.0)
        scroll = self.verticalScrollBar().sizeHint().width()
        room = self.viewport().width() - 2 * GAP - (0 if self.verticalScrollBar().isVisible()
                                                     else scroll) - 4
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, room / (widest * self.logicalDpiX() / 72.0)))
        if emit:
            self.set_zoom(zoom, fit=True)
        else:
            self.zoom = zoom
            self.zoom_changed.emit(zoom)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fit_width and event.size().width() != event.oldSize().width():
            self._fit(emit=True)

    def _ask_rerender(self) -> None:
        if self._pages:
            self.rerender_wanted.emit(self.raster_scale())
