// micro with 10 routes (9 fillers, then the target): the baseline of the routing scenario.
import { startRoutingServer } from './lib/micro-routing.mjs';

startRoutingServer(10);
