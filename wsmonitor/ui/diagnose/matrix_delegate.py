"""Paints matrix cells so the selected one keeps its verdict colour and gets a frame instead."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from wsmonitor.ui.theme import current


class MatrixDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        plain = QStyleOptionViewItem(option)
        plain.state &= ~QStyle.StateFlag.State_Selected
        plain.state &= ~QStyle.StateFlag.State_HasFocus
        super().paint(painter, plain, index)
        if selected:
            painter.save()
            # The strong information colour: reads on every verdict tint, in both themes.
            painter.setPen(QPen(QColor(current().banner("info").strong), 3))
            painter.drawRect(option.rect.adjusted(2, 2, -2, -2))
            painter.restore()
