// Preloaded into every server (`node --import`), so the server convention stays tiny:
// a SIGTERM or a closed IPC channel ends the process through process.exit(), which is
// what makes `--cpu-prof` write its profile (a signal's default action would not).
const exit = () => process.exit(0);
process.once('SIGTERM', exit);
process.once('SIGINT', exit);
process.once('disconnect', exit);
