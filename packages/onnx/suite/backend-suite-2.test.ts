import { describeSuiteShard } from './describe-suite.js';

describeSuiteShard(1, 2);
