# The one place that knows which libtorch the whole product (core, CLI, workbench, tests) builds
# against; docs/testing.md, "Two builds". Defines the interface target srlab_torch.
#   SRLAB_TORCH=cpu     Debian's libtorch 1.13 (CPU; OpenBLAS through Debian's alternatives),
#                       through its TorchConfig.cmake. What the .deb depends on.
#   SRLAB_TORCH=torch2  the libtorch inside PyPI's torch wheel (2.x, CUDA-enabled, C++11 ABI),
#                       located by importing torch with SRLAB_TORCH2_PYTHON. The wheel's own
#                       TorchConfig.cmake wants a CUDA toolkit (nvcc) at configure time and, on a
#                       machine that also has Debian's libtorch, picks /usr/lib's libtorch.so; so
#                       the target is described here: headers, libraries, ABI, and libtorch_cuda
#                       linked even though no symbol of it is used, so CUDA registers itself.
set(SRLAB_TORCH cpu CACHE STRING "libtorch to build against: cpu (Debian's 1.13) or torch2 (PyPI's wheel)")
set_property(CACHE SRLAB_TORCH PROPERTY STRINGS cpu torch2)
set(SRLAB_TORCH2_PYTHON "" CACHE FILEPATH "python of the virtual environment holding PyPI's torch (SRLAB_TORCH=torch2)")
add_library(srlab_torch INTERFACE)

if(SRLAB_TORCH STREQUAL "cpu")
  find_package(Torch REQUIRED)
  target_link_libraries(srlab_torch INTERFACE ${TORCH_LIBRARIES})
elseif(SRLAB_TORCH STREQUAL "torch2")
  execute_process(
    COMMAND "${SRLAB_TORCH2_PYTHON}" -c
            "import os, torch; print(os.path.dirname(torch.__file__)); print(torch.__version__); print(int(torch._C._GLIBCXX_USE_CXX11_ABI))"
    OUTPUT_VARIABLE _out RESULT_VARIABLE _rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "SRLAB_TORCH=torch2: '${SRLAB_TORCH2_PYTHON}' cannot import torch "
                        "(scripts/build.sh with SRLAB_TORCH=torch2 installs it)")
  endif()
  string(REPLACE "\n" ";" _out "${_out}")
  list(GET _out 0 _dir)
  list(GET _out 1 _version)
  list(GET _out 2 _abi)
  message(STATUS "libtorch: PyPI torch ${_version} in ${_dir}")
  target_include_directories(srlab_torch SYSTEM INTERFACE ${_dir}/include ${_dir}/include/torch/csrc/api/include)
  target_compile_definitions(srlab_torch INTERFACE _GLIBCXX_USE_CXX11_ABI=${_abi})
  # libtorch 2.x's headers require C++20: every target that sees torch compiles as C++20 in this
  # build (the sources are C++17 and build as both).
  target_compile_features(srlab_torch INTERFACE cxx_std_20)
  set(_lib ${_dir}/lib)
  if(EXISTS ${_lib}/libtorch_cuda.so)
    # The wheel's CUDA libraries sit in site-packages/nvidia/*/lib, found at run time through
    # libtorch_cuda's own RPATH; the linker needs them for libtorch_cuda's undefined symbols.
    file(GLOB _nvidia LIST_DIRECTORIES true ${_dir}/../nvidia/*/lib)
    list(JOIN _nvidia ":" _nvidia)
    target_link_libraries(srlab_torch INTERFACE -Wl,--no-as-needed ${_lib}/libtorch_cuda.so ${_lib}/libc10_cuda.so)
    target_link_options(srlab_torch INTERFACE "LINKER:-rpath-link,${_nvidia}:${_lib}")
    # NCCL for data-parallel CUDA tensors (core/train/NcclGroup.cpp): its c10d header needs the
    # CUDA runtime's and NCCL's headers, which the wheel's nvidia-* packages carry (or a CUDA
    # toolkit does); without them CUDA tensors are all-reduced through Gloo.
    file(GLOB _nvidia_inc LIST_DIRECTORIES true ${_dir}/../nvidia/*/include)
    find_path(SRLAB_CUDA_INCLUDE cuda_runtime_api.h HINTS ${_nvidia_inc} /usr/local/cuda/include NO_DEFAULT_PATH)
    find_path(SRLAB_NCCL_INCLUDE nccl.h HINTS ${_nvidia_inc} /usr/local/cuda/include /usr/include NO_DEFAULT_PATH)
    if(SRLAB_CUDA_INCLUDE AND SRLAB_NCCL_INCLUDE AND EXISTS ${_dir}/include/torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp)
      set(SRLAB_HAVE_NCCL ON)
      message(STATUS "libtorch: NCCL for data-parallel CUDA tensors (headers in ${SRLAB_CUDA_INCLUDE}, ${SRLAB_NCCL_INCLUDE})")
    endif()
  endif()
  target_link_libraries(srlab_torch INTERFACE ${_lib}/libtorch.so ${_lib}/libtorch_cpu.so ${_lib}/libc10.so)
  target_link_options(srlab_torch INTERFACE "LINKER:-rpath,${_lib}")
else()
  message(FATAL_ERROR "SRLAB_TORCH must be cpu or torch2, not '${SRLAB_TORCH}'")
endif()

# Data-parallel training on c10d's Gloo process group (core/train/Distributed.cpp): both
# libtorch builds contain it; its header needs Gloo's headers (Debian's libgloo-dev) and this
# switch, which the wheel and Debian's build were compiled with.
find_path(SRLAB_GLOO_INCLUDE gloo/config.h REQUIRED)
target_include_directories(srlab_torch SYSTEM INTERFACE ${SRLAB_GLOO_INCLUDE})
target_compile_definitions(srlab_torch INTERFACE USE_C10D_GLOO)
