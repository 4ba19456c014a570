"""Domain services: functions of ids and values, never of `request`."""
