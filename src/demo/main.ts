// Placeholder demo until the headline demo lands: info on a network netsize builds itself.
import { randomMlp, summarize } from "../index.js";

const net = randomMlp([784, 100, 100, 10], { seed: 1 });
const s = summarize(net);
console.log(`netsize demo: a 784-100-100-10 ReLU network with ${s.params.toLocaleString("en-US")} parameters and ${s.units} units`);
