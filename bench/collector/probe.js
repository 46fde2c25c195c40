// Preloaded (node --import) into every server the benchmark starts: answers the parent's IPC
// "usage" question with this process's own CPU time and RSS, so each server is measured alone.
process.on('message', (message) => {
  if (message !== 'usage') return;
  const { user, system } = process.cpuUsage();
  process.send?.({ usage: { cpuMicros: user + system, userMicros: user, systemMicros: system, rssBytes: process.memoryUsage().rss } });
});
// An IPC channel keeps a process alive; the servers must still exit on their own signals.
process.channel?.unref();
