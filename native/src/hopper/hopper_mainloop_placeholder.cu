// Placeholder of the sm_90a-only code: the minference_hopper object library (CMakeLists.txt) is
// compiled for 90a-real alone and linked into libminference only when the build targets sm_90a.
//
// What goes here: the Hopper attention mainloop (wgmma warpgroup MMAs fed by TMA loads through an
// mbarrier pipeline, producer/consumer warpgroups with setmaxnreg), exposed as a launch policy
// MainloopSm90a with the same static `launch<Traits, Tiles>` as attention/mainloop_sm80.cuh, and
// its explicit instantiations. attention/attention_launch.cuh's kSm90a case then calls it instead
// of falling back to the sm_80 mainloop (attention/mainloop_select.h picks kSm90a on compute
// capability 9.0 only, since sm_90a code does not run elsewhere).
//
// Until then this translation unit is empty.
