/// <reference lib="dom" />
import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './app';
import { loadConfig, restoreSession } from './auth';
import { html } from './html';

const root = document.getElementById('app')!;
const config = await loadConfig();
await restoreSession(config);
render(html`<${App} config=${config} />`, root);
