# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'city_form.ui'
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
from PySide6.QtWidgets import (QApplication, QFormLayout, QLabel, QLineEdit,
    QSizePolicy, QWidget)

class Ui_CityForm(object):
    def setupUi(self, CityForm):
        if not CityForm.objectName():
            CityForm.setObjectName(u"CityForm")
        CityForm.resize(440, 120)
        self.formLayout = QFormLayout(CityForm)
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setLabelAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)
        self.formLayout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.formLayout.setHorizontalSpacing(12)
        self.formLayout.setVerticalSpacing(6)
        self.formLayout.setContentsMargins(20, 16, 20, 8)
        self.nameEditLabel = QLabel(CityForm)
        self.nameEditLabel.setObjectName(u"nameEditLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.nameEditLabel)

        self.nameEdit = QLineEdit(CityForm)
        self.nameEdit.setObjectName(u"nameEdit")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.nameEdit)

        self.stateEditLabel = QLabel(CityForm)
        self.stateEditLabel.setObjectName(u"stateEditLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.stateEditLabel)

        self.stateEdit = QLineEdit(CityForm)
        self.stateEdit.setObjectName(u"stateEdit")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.stateEdit)

#if QT_CONFIG(shortcut)
        self.nameEditLabel.setBuddy(self.nameEdit)
        self.stateEditLabel.setBuddy(self.stateEdit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(CityForm)
    # setupUi

    def retranslateUi(self, CityForm):
        self.nameEditLabel.setText(QCoreApplication.translate("CityForm", u"&Name", None))
        self.nameEdit.setPlaceholderText(QCoreApplication.translate("CityForm", u"e.g. Pune", None))
        self.stateEditLabel.setText(QCoreApplication.translate("CityForm", u"&State", None))
        self.stateEdit.setPlaceholderText(QCoreApplication.translate("CityForm", u"e.g. Maharashtra (optional)", None))
        pass
    # retranslateUi
