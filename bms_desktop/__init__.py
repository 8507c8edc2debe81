"""bms-desktop: a desktop box-office terminal for cinemas."""

__version__ = "0.1.0"
APP_NAME = "bms-desktop"
APP_TITLE = "BMS Box Office"
