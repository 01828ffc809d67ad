// micro with 1000 routes (999 fillers, then the target): must run at ≥ 0.9× the 10-route app.
import { startRoutingServer } from './lib/micro-routing.mjs';

startRoutingServer(1000);
