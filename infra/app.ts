import { buildRekindleApp } from './rekindle-app';

// `cdk synth` / `cdk deploy` entry point.
buildRekindleApp().app.synth();
