import { describeSuiteShard } from './describe-suite.js';

describeSuiteShard(0, 2);
