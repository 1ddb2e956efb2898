<%@ page contentType="text/plain" %>
<%@ include file="/WEB-INF/jspf/header.jspf" %>
body
