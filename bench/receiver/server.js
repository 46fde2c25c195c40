// One server under test, in a process of its own so the load generator never shares its event
// loop: `bare` (express parses the JSON and discards it), `sqlite` or `postgres` (the receiver).
// Prints one JSON line {"msg": "listening", "port": N} when listening (as the real parts do, so
// the test kit's launcher starts it); stops on SIGTERM.
import express from 'express';
import { createLogger, createReceiver } from '@lunadefend/receiver';

const [variant, target] = process.argv.slice(2);

async function start() {
  if (variant === 'bare') {
    const app = express();
    app.post('/v1/reports', express.json({ limit: 16_384 }), (req, res) => {
      if (typeof req.body !== 'object') throw new Error('unreachable');
      res.status(202).json({ status: 'accepted' });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return { port: server.address().port, stop: () => new Promise((resolve) => server.close(resolve)) };
  }
  const database = variant === 'sqlite' ? { kind: 'sqlite', path: target } : { kind: 'postgres', url: target };
  const receiver = createReceiver({
    // The load comes from one address: the per-client limit is off; everything else is as in production.
    config: { port: 0, database, clientRateLimit: undefined, databasePoolSize: 10 },
    logger: createLogger({ level: 'warn' }),
    retention: false,
  });
  const { port } = await receiver.start();
  return { port, stop: () => receiver.shutdown() };
}

const { port, stop } = await start();
process.stdout.write(`${JSON.stringify({ msg: 'listening', port })}\n`);
process.on('SIGTERM', () => {
  stop().then(() => process.exit(0));
});
