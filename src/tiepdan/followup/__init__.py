"""Follow-up of the conclusions: tasks given to agencies with working-day deadlines, their reports and results, reminders."""
