// The case page lives in ./sag/ (one module per section); App imports it from here.
export { Sag } from './sag/SagPage';
