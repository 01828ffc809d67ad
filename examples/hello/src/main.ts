#!/usr/bin/env node
import { app } from './app.js';

const port = Number(process.env.PORT ?? 5000);
const host = process.env.HOST ?? '127.0.0.1';
const server = await app.listen(port, host);
console.log(`hello example running on ${server.url}/`);
