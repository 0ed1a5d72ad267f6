// Preloaded (node --import) into a server the bench profiles: SIGUSR2 starts V8's CPU profiler,
// the next SIGUSR2 stops it and writes BENCH_PROFILE_FILE — so a profile covers the load alone, not
// the start-up before it. Plain JS so that it needs no loader. Bench only; never loaded by npm start.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

const session = new Session();
session.connect();
let running = false;
process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')));
    return;
  }
  running = false;
  session.post('Profiler.stop', (err, result) => {
    if (!err) writeFileSync(process.env.BENCH_PROFILE_FILE ?? 'bench.cpuprofile', JSON.stringify(result.profile));
    process.stdout.write('profile written\n');
  });
});
