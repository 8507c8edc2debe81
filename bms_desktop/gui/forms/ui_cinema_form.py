# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'cinema_form.ui'
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
    QLineEdit, QPlainTextEdit, QSizePolicy, QWidget)

class Ui_CinemaForm(object):
    def setupUi(self, CinemaForm):
        if not CinemaForm.objectName():
            CinemaForm.setObjectName(u"CinemaForm")
        CinemaForm.resize(520, 320)
        self.formLayout = QFormLayout(CinemaForm)
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setLabelAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)
        self.formLayout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.formLayout.setHorizontalSpacing(12)
        self.formLayout.setVerticalSpacing(6)
        self.formLayout.setContentsMargins(20, 16, 20, 8)
        self.cityComboLabel = QLabel(CinemaForm)
        self.cityComboLabel.setObjectName(u"cityComboLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.cityComboLabel)

        self.cityCombo = QComboBox(CinemaForm)
        self.cityCombo.setObjectName(u"cityCombo")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.cityCombo)

        self.nameEditLabel = QLabel(CinemaForm)
        self.nameEditLabel.setObjectName(u"nameEditLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.nameEditLabel)

        self.nameEdit = QLineEdit(CinemaForm)
        self.nameEdit.setObjectName(u"nameEdit")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.nameEdit)

        self.addressEditLabel = QLabel(CinemaForm)
        self.addressEditLabel.setObjectName(u"addressEditLabel")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.addressEditLabel)

        self.addressEdit = QPlainTextEdit(CinemaForm)
        self.addressEdit.setObjectName(u"addressEdit")
        self.addressEdit.setTabChangesFocus(True)

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.addressEdit)

        self.timezoneComboLabel = QLabel(CinemaForm)
        self.timezoneComboLabel.setObjectName(u"timezoneComboLabel")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.timezoneComboLabel)

        self.timezoneCombo = QComboBox(CinemaForm)
        self.timezoneCombo.setObjectName(u"timezoneCombo")
        self.timezoneCombo.setEditable(True)

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.timezoneCombo)

        self.gstinEditLabel = QLabel(CinemaForm)
        self.gstinEditLabel.setObjectName(u"gstinEditLabel")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.gstinEditLabel)

        self.gstinEdit = QLineEdit(CinemaForm)
        self.gstinEdit.setObjectName(u"gstinEdit")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.gstinEdit)

        self.phoneEditLabel = QLabel(CinemaForm)
        self.phoneEditLabel.setObjectName(u"phoneEditLabel")

        self.formLayout.setWidget(5, QFormLayout.ItemRole.LabelRole, self.phoneEditLabel)

        self.phoneEdit = QLineEdit(CinemaForm)
        self.phoneEdit.setObjectName(u"phoneEdit")

        self.formLayout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.phoneEdit)

#if QT_CONFIG(shortcut)
        self.cityComboLabel.setBuddy(self.cityCombo)
        self.nameEditLabel.setBuddy(self.nameEdit)
        self.addressEditLabel.setBuddy(self.addressEdit)
        self.timezoneComboLabel.setBuddy(self.timezoneCombo)
        self.gstinEditLabel.setBuddy(self.gstinEdit)
        self.phoneEditLabel.setBuddy(self.phoneEdit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(CinemaForm)
    # setupUi

    def retranslateUi(self, CinemaForm):
        self.cityComboLabel.setText(QCoreApplication.translate("CinemaForm", u"C&ity", None))
        self.nameEditLabel.setText(QCoreApplication.translate("CinemaForm", u"&Name", None))
        self.nameEdit.setPlaceholderText(QCoreApplication.translate("CinemaForm", u"e.g. Galaxy Multiplex", None))
        self.addressEditLabel.setText(QCoreApplication.translate("CinemaForm", u"&Address", None))
        self.addressEdit.setPlaceholderText(QCoreApplication.translate("CinemaForm", u"Printed on receipts", None))
        self.timezoneComboLabel.setText(QCoreApplication.translate("CinemaForm", u"&Time zone", None))
        self.gstinEditLabel.setText(QCoreApplication.translate("CinemaForm", u"&GSTIN", None))
        self.gstinEdit.setPlaceholderText(QCoreApplication.translate("CinemaForm", u"15 characters, e.g. 27AAPFU0939F1ZV (optional)", None))
        self.phoneEditLabel.setText(QCoreApplication.translate("CinemaForm", u"&Phone", None))
        self.phoneEdit.setPlaceholderText(QCoreApplication.translate("CinemaForm", u"Printed on receipts (optional)", None))
        pass
    # retranslateUi
