/** The TensorRT addon's glue, built against the TensorRT 10.16 headers and fake native libraries (see tensorrt-native-suite.ts). */
import { describeNativeGlue } from './tensorrt-native-suite.js';

describeNativeGlue('10.16');
