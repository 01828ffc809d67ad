#!/usr/bin/env node
import { createApp } from './app.js';

if (!process.env.SECRET_KEY) console.warn('warning: SECRET_KEY is not set; using a development key.');
const { app } = createApp(process.env.SECRET_KEY || 'micro custom-session development key');
const server = await app.listen(Number(process.env.PORT ?? 5000), process.env.HOST ?? '127.0.0.1');
console.log(`micro-custom-session running on ${server.url}/`);
