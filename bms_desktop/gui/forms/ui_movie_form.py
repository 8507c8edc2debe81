# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'movie_form.ui'
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
from PySide6.QtWidgets import (QApplication, QComboBox, QFormLayout, QLabel,
    QLineEdit, QPlainTextEdit, QSizePolicy, QSpinBox,
    QWidget)

class Ui_MovieForm(object):
    def setupUi(self, MovieForm):
        if not MovieForm.objectName():
            MovieForm.setObjectName(u"MovieForm")
        MovieForm.resize(560, 420)
        self.formLayout = QFormLayout(MovieForm)
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setLabelAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)
        self.formLayout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.formLayout.setHorizontalSpacing(12)
        self.formLayout.setVerticalSpacing(6)
        self.formLayout.setContentsMargins(20, 16, 20, 8)
        self.titleEditLabel = QLabel(MovieForm)
        self.titleEditLabel.setObjectName(u"titleEditLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.titleEditLabel)

        self.titleEdit = QLineEdit(MovieForm)
        self.titleEdit.setObjectName(u"titleEdit")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.titleEdit)

        self.languagesEditLabel = QLabel(MovieForm)
        self.languagesEditLabel.setObjectName(u"languagesEditLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.languagesEditLabel)

        self.languagesEdit = QLineEdit(MovieForm)
        self.languagesEdit.setObjectName(u"languagesEdit")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.languagesEdit)

        self.genreComboLabel = QLabel(MovieForm)
        self.genreComboLabel.setObjectName(u"genreComboLabel")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.genreComboLabel)

        self.genreCombo = QComboBox(MovieForm)
        self.genreCombo.setObjectName(u"genreCombo")
        self.genreCombo.setEditable(True)

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.genreCombo)

        self.ratingEditLabel = QLabel(MovieForm)
        self.ratingEditLabel.setObjectName(u"ratingEditLabel")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.ratingEditLabel)

        self.ratingEdit = QLineEdit(MovieForm)
        self.ratingEdit.setObjectName(u"ratingEdit")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.ratingEdit)

        self.certificateComboLabel = QLabel(MovieForm)
        self.certificateComboLabel.setObjectName(u"certificateComboLabel")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.certificateComboLabel)

        self.certificateCombo = QComboBox(MovieForm)
        self.certificateCombo.setObjectName(u"certificateCombo")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.certificateCombo)

        self.runtimeSpinLabel = QLabel(MovieForm)
        self.runtimeSpinLabel.setObjectName(u"runtimeSpinLabel")

        self.formLayout.setWidget(5, QFormLayout.ItemRole.LabelRole, self.runtimeSpinLabel)

        self.runtimeSpin = QSpinBox(MovieForm)
        self.runtimeSpin.setObjectName(u"runtimeSpin")
        self.runtimeSpin.setMinimum(0)
        self.runtimeSpin.setMaximum(999)
        self.runtimeSpin.setValue(120)

        self.formLayout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.runtimeSpin)

        self.releaseEditLabel = QLabel(MovieForm)
        self.releaseEditLabel.setObjectName(u"releaseEditLabel")

        self.formLayout.setWidget(6, QFormLayout.ItemRole.LabelRole, self.releaseEditLabel)

        self.releaseEdit = QLineEdit(MovieForm)
        self.releaseEdit.setObjectName(u"releaseEdit")

        self.formLayout.setWidget(6, QFormLayout.ItemRole.FieldRole, self.releaseEdit)

        self.synopsisEditLabel = QLabel(MovieForm)
        self.synopsisEditLabel.setObjectName(u"synopsisEditLabel")

        self.formLayout.setWidget(7, QFormLayout.ItemRole.LabelRole, self.synopsisEditLabel)

        self.synopsisEdit = QPlainTextEdit(MovieForm)
        self.synopsisEdit.setObjectName(u"synopsisEdit")
        self.synopsisEdit.setTabChangesFocus(True)

        self.formLayout.setWidget(7, QFormLayout.ItemRole.FieldRole, self.synopsisEdit)

#if QT_CONFIG(shortcut)
        self.titleEditLabel.setBuddy(self.titleEdit)
        self.languagesEditLabel.setBuddy(self.languagesEdit)
        self.genreComboLabel.setBuddy(self.genreCombo)
        self.ratingEditLabel.setBuddy(self.ratingEdit)
        self.certificateComboLabel.setBuddy(self.certificateCombo)
        self.runtimeSpinLabel.setBuddy(self.runtimeSpin)
        self.releaseEditLabel.setBuddy(self.releaseEdit)
        self.synopsisEditLabel.setBuddy(self.synopsisEdit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(MovieForm)
    # setupUi

    def retranslateUi(self, MovieForm):
        self.titleEditLabel.setText(QCoreApplication.translate("MovieForm", u"&Title", None))
        self.titleEdit.setPlaceholderText(QCoreApplication.translate("MovieForm", u"e.g. The Long Monsoon", None))
        self.languagesEditLabel.setText(QCoreApplication.translate("MovieForm", u"&Languages", None))
        self.languagesEdit.setPlaceholderText(QCoreApplication.translate("MovieForm", u"comma-separated, e.g. Hindi, English", None))
        self.genreComboLabel.setText(QCoreApplication.translate("MovieForm", u"&Genre", None))
        self.ratingEditLabel.setText(QCoreApplication.translate("MovieForm", u"&Rating", None))
        self.ratingEdit.setPlaceholderText(QCoreApplication.translate("MovieForm", u"0 to 10, e.g. 7.8", None))
        self.certificateComboLabel.setText(QCoreApplication.translate("MovieForm", u"&Certificate", None))
        self.runtimeSpinLabel.setText(QCoreApplication.translate("MovieForm", u"R&untime", None))
        self.runtimeSpin.setSuffix(QCoreApplication.translate("MovieForm", u" min", None))
        self.releaseEditLabel.setText(QCoreApplication.translate("MovieForm", u"Release &date", None))
        self.releaseEdit.setPlaceholderText(QCoreApplication.translate("MovieForm", u"YYYY-MM-DD (optional)", None))
        self.synopsisEditLabel.setText(QCoreApplication.translate("MovieForm", u"&Description", None))
        pass
    # retranslateUi
