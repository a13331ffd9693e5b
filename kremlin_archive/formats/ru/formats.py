# "E" is the month's name as it stands after a day number ("25 апреля"); "F" names the month alone ("Апрель").
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j E"
