/** The TensorRT addon's glue, built against the TensorRT 11.1 headers and fake native libraries (see tensorrt-native-suite.ts). */
import { describeNativeGlue } from './tensorrt-native-suite.js';

describeNativeGlue('11.1');
