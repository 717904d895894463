// Placeholder until the file store lands (issue 3).
print("FileStoreCrashHelper")
