// A micro app with `total` routes: a realistic mix of static and dynamic fillers
// registered first, then GET /routing/target/<int:n>, last — the worst case for a
// router that tries routes in order.
import { App } from '@micro/core';
import { HOST, PORT, ready } from './common.mjs';

export async function startRoutingServer(total) {
  const app = new App();
  const fillers = total - 1;
  for (let i = 0; i < fillers; i++) {
    const handler = () => 'filler';
    const endpoint = `filler${i}`;
    switch (i % 4) {
      case 0: app.route(`/static/section${i}/page`, { endpoint })(handler); break;
      case 1: app.route(`/users${i}/<int:id>`, { endpoint })(handler); break;
      case 2: app.route(`/blog${i}/<slug>/comments`, { endpoint })(handler); break;
      default: app.route(`/routing/other${i}/<int:n>`, { endpoint })(handler); break;
    }
  }
  app.route('/routing/target/<int:n>', { endpoint: 'target' })(({ n }) => String(n));
  await app.listen(PORT, HOST, { handleSignals: false });
  ready();
}
