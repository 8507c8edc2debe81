# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'about_dialog.ui'
##
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QDialogButtonBox,
    QFormLayout, QLabel, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget)

class Ui_AboutDialog(object):
    def setupUi(self, AboutDialog):
        if not AboutDialog.objectName():
            AboutDialog.setObjectName(u"AboutDialog")
        AboutDialog.resize(520, 360)
        self.mainLayout = QVBoxLayout(AboutDialog)
        self.mainLayout.setSpacing(12)
        self.mainLayout.setObjectName(u"mainLayout")
        self.mainLayout.setContentsMargins(20, 18, 20, 16)
        self.titleLabel = QLabel(AboutDialog)
        self.titleLabel.setObjectName(u"titleLabel")

        self.mainLayout.addWidget(self.titleLabel)

        self.taglineLabel = QLabel(AboutDialog)
        self.taglineLabel.setObjectName(u"taglineLabel")
        self.taglineLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.taglineLabel)

        self.detailsLayout = QFormLayout()
        self.detailsLayout.setObjectName(u"detailsLayout")
        self.detailsLayout.setLabelAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)
        self.detailsLayout.setHorizontalSpacing(14)
        self.detailsLayout.setVerticalSpacing(6)
        self.versionCaption = QLabel(AboutDialog)
        self.versionCaption.setObjectName(u"versionCaption")

        self.detailsLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.versionCaption)

        self.versionValue = QLabel(AboutDialog)
        self.versionValue.setObjectName(u"versionValue")
        self.versionValue.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.detailsLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.versionValue)

        self.runtimeCaption = QLabel(AboutDialog)
        self.runtimeCaption.setObjectName(u"runtimeCaption")

        self.detailsLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.runtimeCaption)

        self.runtimeValue = QLabel(AboutDialog)
        self.runtimeValue.setObjectName(u"runtimeValue")
        self.runtimeValue.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.detailsLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.runtimeValue)

        self.databaseCaption = QLabel(AboutDialog)
        self.databaseCaption.setObjectName(u"databaseCaption")

        self.detailsLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.databaseCaption)

        self.databaseValue = QLabel(AboutDialog)
        self.databaseValue.setObjectName(u"databaseValue")
        self.databaseValue.setWordWrap(True)
        self.databaseValue.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.detailsLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.databaseValue)

        self.dataCaption = QLabel(AboutDialog)
        self.dataCaption.setObjectName(u"dataCaption")

        self.detailsLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.dataCaption)

        self.dataValue = QLabel(AboutDialog)
        self.dataValue.setObjectName(u"dataValue")
        self.dataValue.setWordWrap(True)
        self.dataValue.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.detailsLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.dataValue)

        self.counterCaption = QLabel(AboutDialog)
        self.counterCaption.setObjectName(u"counterCaption")

        self.detailsLayout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.counterCaption)

        self.counterValue = QLabel(AboutDialog)
        self.counterValue.setObjectName(u"counterValue")

        self.detailsLayout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.counterValue)


        self.mainLayout.addLayout(self.detailsLayout)

        self.verticalSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonBox = QDialogButtonBox(AboutDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Close)

        self.mainLayout.addWidget(self.buttonBox)


        self.retranslateUi(AboutDialog)
        self.buttonBox.rejected.connect(AboutDialog.reject)
    # setupUi

    def retranslateUi(self, AboutDialog):
        AboutDialog.setWindowTitle(QCoreApplication.translate("AboutDialog", u"About BMS Box Office", None))
        self.titleLabel.setText(QCoreApplication.translate("AboutDialog", u"BMS Box Office", None))
        self.titleLabel.setProperty(u"class", QCoreApplication.translate("AboutDialog", u"title", None))
        self.taglineLabel.setText(QCoreApplication.translate("AboutDialog", u"A cinema box-office terminal, and a live demonstration of how counters compete for seats.", None))
        self.taglineLabel.setProperty(u"class", QCoreApplication.translate("AboutDialog", u"muted", None))
        self.versionCaption.setText(QCoreApplication.translate("AboutDialog", u"Version", None))
        self.runtimeCaption.setText(QCoreApplication.translate("AboutDialog", u"Runtime", None))
        self.databaseCaption.setText(QCoreApplication.translate("AboutDialog", u"Database", None))
        self.dataCaption.setText(QCoreApplication.translate("AboutDialog", u"Data folder", None))
        self.counterCaption.setText(QCoreApplication.translate("AboutDialog", u"This counter", None))
    # retranslateUi
