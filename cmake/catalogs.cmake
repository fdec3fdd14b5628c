# Translations compiled at build time: livechat_embed_catalogs(target po_dir) runs msgfmt --check
# on every po_dir/<language>.po (a .po with a broken printf format or a bad header fails the build)
# into <language>.mo, and embeds the .mo bytes in `target` through a generated C++ file that
# defines livechat::kEmbeddedCatalogs (livechat/catalog.hpp reads them). Why .mo bytes in the
# program rather than files fetched at run time: no request before the first frame, the language
# switches at once, and the catalogs are a few KB (docs/architecture.md, "Translations").
find_program(LIVECHAT_MSGFMT msgfmt NO_CMAKE_FIND_ROOT_PATH)
function(livechat_embed_catalogs target po_dir)
  if(NOT LIVECHAT_MSGFMT)
    message(FATAL_ERROR "msgfmt is missing (Debian package gettext: run scripts/setup)")
  endif()
  file(GLOB pos CONFIGURE_DEPENDS ${po_dir}/*.po)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_po)
  set(out ${dir}/catalogs.cpp)
  set(mos)
  set(compile)
  foreach(po IN LISTS pos)
    get_filename_component(lang ${po} NAME_WE)
    list(APPEND mos ${dir}/${lang}.mo)
    list(APPEND compile COMMAND ${LIVECHAT_MSGFMT} --check -o ${dir}/${lang}.mo ${po})
  endforeach()
  list(JOIN mos "|" mo_list)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    ${compile}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DMOS=${mo_list} -P ${CMAKE_SOURCE_DIR}/cmake/embed_catalogs.cmake
    DEPENDS ${pos} ${CMAKE_SOURCE_DIR}/cmake/embed_catalogs.cmake
    COMMENT "${target}: msgfmt ${po_dir}/*.po, embedded"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
