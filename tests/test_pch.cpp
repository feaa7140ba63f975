// Compiled only to build the precompiled Catch2 header the tests share.
