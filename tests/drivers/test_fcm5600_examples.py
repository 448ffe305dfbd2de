# ruff: noqa: E501, W291  (the document's examples are kept verbatim: long lines, trailing blanks)
"""Every JSON example of the FCM5600 document (004), verbatim, as test input.

The document's examples are annotated (``"code": 0,-----Status Code``), wrapped mid-word and
mid-number, and carry typos (``"email":"","``, ``"items"[``, missing commas, extra or missing
braces). :func:`doc_json` removes the annotations and undoes the wrapping in ONE visible place;
two examples whose structure is broken beyond that get an explicit edit listed in ``EDITS``.
The resulting payloads go through the real client (answered by an ``httpx.MockTransport`` that
serves the document's response for each URL) and the parsers, and the values they return are
checked; the document's request examples are compared with what the client sends."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from configurator.core.transport import Credentials, Endpoint, Transport
from configurator.drivers.fcm5600 import parsers
from configurator.drivers.fcm5600.client import FcmClient
from configurator.drivers.fcm5600.protocol import LOGIN

# Document text of every example, keyed "<URL> request|response" (trunk string examples by
# their key). Page breaks that split one example into two blocks are joined with a newline.
EXAMPLES: dict[str, str] = {
    '/pbx/systeminfo/system-current-time response': """{
"code":0,-----Status Code
"message":"OK",-----Results of program execution
"data":"2022-11-12 16:50"----- token
}""",
    '/pbx/extension-digital/search-extension-page request': """{
"columnKey":"string",-----Column key, index database field
"keyWord":"string",-----
Searchusingkeywordsofextensionnumber,extensionname,departmentname
(fuzzysearchsupported),useemptystringtosearchall.
"order":"exten"-----
SortbyanyIPextensionattributeoftherespondedattributesbelow.ASC:ascendin
gsort;DESC:descendingsort.
"page":0,-----Currentextensionlistpage,startsfrom0.
"pageSize":0,-----
Extensioncountoneachpage,minimalcountis1.
}
""",
    '/pbx/extension-digital/search-extension-page response': """{
"code": 0,-----Status Code
"message": "OK",-----Results of program execution
"data": {
"items":[-----
Themainsearchresultsdisplayedinanarray,ifnosearchresultsanemptyarraywil lberesponded.
{
"exten":"100",-----Extensionnumber.
"enable":true,-----Whether to enable. The extension number can only be
used after it is enabled,true/false
"username":"测试 1",-----Extensionusernamealsothecallname.
"password":"123456",-----Extensionregistrationpassword.
"email":"","-----UserEmailaddress.
"outboundCid1":"18583230080",-----OutboundCID1.
"outboundCid2":"18583230081",-----OutboundCID 2.
"mobileNumber":"","-----Usermobilephonenumber. "dialPlanId":1,
-----Dofthedialpermissions,startingfrom1.
"language":"en",-----Systemvoicepromptslanguage.
"musicOnHoldId":2,-----MusiconholdfolderID.
"voicemail":true,-----Voicemailbox,enablediftrue,disablediffalse.
"voicemailPassword":"1234",-----Voicemailboxpassword.
"remoteExten":false,-----
Remoteextensionfeature,enablediftrue,disablediffalse.Ifenabledpleaseens
ureitusesstrongpassword.
"registCount":3,-----
Maximumlyallowedsimultaneousregisters. "videoCall":true,-----
----- Videocallfeature,enablediftrue,disablediffalse.
"videoCallCodec":"h264",-----
Supportedvideocodecs,vp8,h264,h263,h261,h263p,singlecodecrequired.
"webRtc":true,-----
Extensionwebportal,enablediftrue,disablediffalse.
"app":true,-----App account,enablediftrue,disablediffalse.
"webLogin":true,----- Web
login,enablediftrue,disablediffalse.
"dnd":true,-----dnd,enablediftrue,disablediffalse.
"recording":"none",-----
Callrecordingonthisextension,donotrecordifnone,recordinboundcallsifin,r
ecordoutboundcallsifout,recordallcallsifboth.
"callSpy":false,----- Callspyfeature,enablediftrue,disablediffalse.
"addressExpiration":1800,-----Extensionregisterexpirationinseconds.
"transport":"UDP",-----
SIPsingalingprotocol,UDP/TCP/TLS,singleprotocolrequired.
"dtmf":"rfc4733",-----DTMFmode,Auto/RFC4733/Inband/Sip
info,singleDTMFmoderequired.
"srtplib":false,-----SecureReal-
timeTransportProtocol,enablediftrue,disablediffalse.
"qualify":300,-----


Qualify, sends SIPOPTIONS regularly in secondsto check whether the extension is still online, disabled if 0.
"qualifyTimeout":30,----- Qualify timeout, in seconds.
"nat":true,-----
NAT support, enabled if true, disabled if false.
"iax":false,-----
IAX protocols support, enabled if true, disabled if false. "audioCodec":"alaw,ulaw,g729",-----
Supported audio codecs, ulaw, alaw, g729, gsm, g722, g726, speex, opus, can be multiple codecs, separated by comma.
"permit":"","-----
permit the host/network to register, default is empty, there are instructions below w.
"sendPai":true,----- SendPAI, true/false.
"sendRpid":true,----- SendRPID, true/false.
"rtptimeout":60,----- RTP timeout.
"groupNumber":"1",----- Substitute group, 1-64, one or more use separation, such as '1,42'.
"inbandProgress":false,----- Voice stream sends ring tone, enabled if true, disabled if false.
"whiteListTagId":0,----- whitelist, true/false
"dialPlanName":"DialPlan1",-----
Name of the dial permission used by the extension.
"departmentName":"d1,d2"-----
Department name the extension belongs to, multiple department names separated by comma.
}
],
"count":2,----- Total number of data
"page":1----- Current page number
"pageSize":20-----
Maximum number of extensions allowed all page
}
}
""",
    '/pbx/extension-digital/extension-info response': """{
  "code": 0,-----Status Code
  "message": "OK",-----Results of program execution
  "data":[
    {
      "exten":"126",-----Extension number
      "name":"126",-----User name (caller name)
      "type":"voip"-----Extension type: voip: IP extension, analog: analogue
      extension. Here you can only query IP extensions, analog extensions will be queried by
      another interface.
    }
  ]
}""",
    '/pbx/extension-common/gen-add-extension response': """{
  "code": 0,-----Status Code
  "message": "OK",-----Results of program execution
  "data":"101"-----Response data
}""",
    '/pbx/extension-digital/is-extension-available/<exten> response': """{
"code": 0,-----Status Code
"message": "OK",-----Results of program execution
"data":true-----Response data
}""",
    '/pbx/extension-digital/add-extension request': """{
"addressExpiration":1800,
"audioCodec":"alaw,ulaw,g729", "callSpy":false,
"dialPlanId":1, "dnd":false,
"dtmf":"rfc4733",
"email":"","enable":true,
"exten":"102", "iax":false,
"language":"en",
"mobileNumber":"","
"musicOnHoldId":1,
"nat":true,
"outboundCid1":"","
"outboundCid2":"","
"password":"joHpm#7AN7",
"permit":"","qualify":300,
"qualifyTimeout":30,
"recording":"none",
"registCount":1,
"remoteExten":false,
"rtpTimeout":60, "sendPai":true,
"sendRpid":true, "srtp":false,
"transport":"UDP",
"username":"102", "videoCall":false,
"videoCallCodec":"h264", "voicemail":true,
"voicemailPassword":"1234",
"webRtc":false
}""",
    '/pbx/extension-digital/add-extension response': """{
"code": 0,-----Status Code
"message": "OK",-----Results of program execution
"data":true-----Response data
}""",
    '/pbx/extension-digital/delete-extension request': """{  
  "extensions":[-----The array of the extensions to be deleted  
  "string"  
  ]  
}""",
    '/pbx/extension-digital/delete-extension response': """{  
  "code": 0,-----Status Code  
  "message": "OK",-----Results of program execution  
  "data":1-----Delete data quantity  
}""",
    '/pbx/systeminfo/version response': """{
"code": 0,-----Status Code
"message": "OK",-----Results of program execution
"data":{
"1model":"FIBERME-FCM5600",-----
Devicemodel
"2DeviceName":"System",-----Device name
"3WAN-IP":"192.168.11.150",-----WAN port IPaddress
"4WAN-Mac":"00:E0:70:2F:47:A7",-----WAN port
MAC address
"5LAN-IP":"192.168.10.100",-----LAN port IP
address
"6LAN-Mac":"00:E0:70:33:24:A3",-----LAN port MAX
address
"7hardwareVersion":"V4",-----Hardware version
"8version":"v4.0.0",-----Current
software version
"9Uptime":"2022-11-23 16:21 / 13 days, 23:43",-----
-----System uptime in seconds
}
}""",
    '/pbx/systeminfo/cpu response': """{
"code": 0,-----Status Code
"message": "OK",-----Results of program execution
"data":[26.666666665373164,27.835051547613567,17.85714285703679,24.8730
96445841846]-----CPU usage information (ratio of
usage to total number * 100) CPU
}
}""",
    '/pbx/systeminfo/mem response': """
{"code":0, -----Status Code
"message":"OK",-----Results of program execution
"data":{
"swap":{ -----Exchange area
"total":500166656, -----Total exchange area
"used":1572864, -----Total swap area used
"free":498593792, -----Total number of free swap areas
"usedPercent":0.31446798404730125, -----Usage ratio
(total amount of exchange zones used/total amount of           exchange
zones)
"sin":1867776,
"sout":4386816,
"pgIn":0,
"pgOut":0,
"pgFault":0,
"pgMajFault":0
},
"virtual":{ -----Physical memory
"total":4017598464, -----Total memory
"available":2547400704, -----Available memory
"used":1192071168, -----Memory used


"usedPercent":29.671237150293774, -----Memory
usage ratio (used memory/total memory * 100)
"free":1970675712,-----Free memory
"active":1252728832, -----Buffer size in active
use
"inactive":620261376, -----Buffer size in infrequent use
"wired":0,
"laundry":0,
"buffers":46747648,
"cached":808103936,
"writeBack":0,
"dirty":20480,
"writeBackTmp":0,
"shared":41365504,
"slab":99045376,
"sreclaimable":55652352,
"sunreclaim":43393024,
"pageTables":10772480,
"swapCached":581632,
"commitLimit":2508963840,
"committedAS":3012792320,
"highTotal":0, "highFree":0,
"lowTotal":0,
"lowFree":0, "swapTotal":500166656,
"swapFree":498593792,
"mapped":268148736,
"vmallocTotal":35184372087808,
"vmallocUsed":0,
"vmallocChunk":0,
"hugePagesTotal":0,
"hugePagesFree":0,
"hugePageSize":2097152}
""",
    '/pbx/systeminfo/disk response': """{
"code":0,-----Status Code
"message":"OK",-----Results of program execution
"data":{
"rcdtotal":"0",-----Total recording storage
"rcdused":"","-----Recording storage used
"systotal":"5403",-----
Totalmainstorage(SDorEMMC)resources
"sysused":"2354",-----Usedmainstorageresources
"usbtotall":"0",-----TotalUSBstorageresources
"usbused":"0"-----UsedUSBstorageresources
}
}""",
    '/pbx/systeminfo/calls response': """{"code":0,-----Status Code
"message":"OK",-----Results of program execution
"data":[
"calls":"","-----Calls
"maxcalls":"","-----Max calls
]""",
    '/pbx/systeminfo/extension-status response': """{
"code":0,-----Status Code
"message":"OK",-----Results of program execution
"data": [
{
"exten":"100",-----Extensionnumber
"name":"100",-----Extension display name when dialing
"content":{
"newMsg":"","-----Voice message
"dnd":"","-----Don't disturb
"wakeup":null----- Wakeup
},
"roundtripUsec":"","-----Registration timeout
"addr":"","-----Address
"uri":"","-----URL
"statusText":"Unavailable"-----Status
}
]
}""",
    '/pbx/systeminfo/trunk-info response': """
{"code":0,
"message":"OK", "data":{
"analogOut":"1:1:FXS::\\n2:2:FXS::\\n3:3:none::\\n4:4:none::\\n5:5:none
::\\n6:6:none::\\n7:7:none::\\n8:8:none::", ----- Analog
trunk
"digitalOut":"","-----Digital trunk
"iaxOut":"","----- Iaxtrunk
"sipOut":"eeee:server::0.00:Unregistered"}} ----- Siptrunk
""",
    'analogOut': """
"analogOut":"1:1:FXS::\\n2:2:FXS::\\n3:3:none::\\n4:4:none::\\n5:5:none
::\\n6:6:none::\\n7:7:none::\\n8:8:none::"
"analogOut":"Serial number:Channel:Trunk type
(FXO/FXS/GSM/WCDMA) :Status:Channel status:BLF\\n2:2:FXS::\\n
""",
    'digitalOut': """
"digitalOut": ""
""",
    'iaxOut': """
"iaxOut": "iaxto10:client:192.168.17.30:2:Registered"  
"iaxOut": "Name:Trunk type:Ip:Delayed:Status"
""",
    'sipOut': """
"sipOut": "eeee:server::0.00:Unregistered"}}
"sipOut": "Name:Trunk type:Ip:Delayed:Status" Possible""",
    '/pbx/systeminfo/trunk-status response': """{
  "code":0,-----Status Code
  "message":"OK",-----Results of program execution
  "data": [
    {
      "delay":"","-----Delayinmilli-
      seconds,ifQualifyisdisabledthevaluewillbe'na'
      "name": "adf",----- Trunk name
      "server": "",----- Theotherparty/server'sIP/domain
      "status": "",----- Status
      "trunkType": "iax", -----Trunk type
      "model": "server"-----Trunk model, client/server
    }
  ],
  {
    "delay": "",
    "name": "33",
    "server": "",
    "status": "",
    "trunkType": "sip",
    "model": "client"
  }
]""",
    '/pbx/call-forward/list response': """{
  "code":0,
  "message":"OK", "data":{
    "items":[
      {
        "id":1,----- RecordID
        "exten":"102",----- Extensionnumber
        "type":"busy",----- Callforwardcondition
        "dest":"103",----- Callforwarddestination
        "timeout":5,----- Ringtimeoutbeforeforwarding
        "enable":true----- Availabilityofthisrecord,yesiftrue,noiffalse
      }
    ],
    "count":1,
    "page":1, "pageSize":20
  }
}""",
    '/pbx/call-forward/available response': """{
  "code":0,
  "message":"OK", "data":[
    {
      "exten": "100", ----- Extensionnumber
      "name": "100", ----- Username(callername)
      "type": "voip"-----
      Extensiontype,analog:analogueextension,voip:IPextensions
    },
    {
      "exten": "118",
      "name": "118",
      "type": "voip"
    }
  ]
}""",
    '/pbx/call-forward/add request': """{ "dest": "123456789",
  "enable":0,
  "exten": "2345", "id":0,
  "timeout":10,
  "type": "busy"
}""",
    '/pbx/call-forward/add response': """{
  "code":0, "message":"OK",
  "data":true
}""",
    '/pbx/call-forward/update request': """{
  "id":4,-----RecordID
  "dest":"123456789",
  "enable":0,
  "exten":"2345",
  "timeout":0,
  "type":"busy"
}""",
    '/pbx/call-forward/delete request': """{
  "ids":[-----TherecordIDtobedeleted
  4
  ]
}""",
    '/pbx/call-forward/delete-all response': """{
  "code":0, "message":"OK",
  "data":{}
}""",
    '/pbx/wakeup-call/list response': """{
  "code": 0, "message":
  "OK", "data": [
    {
      "callDateTime": "2022-07-25 12:00", -----
      Timeofthewakeupcall,in"yyyy-MM-dd HH:mm"format
      "exten": "501", ----- Extensionnumber
      "musicID": 4, -----Voice file number
      "id": 8----- RecordID
    },
    {
      "callDateTime": "2022-07-25 12:00",
      "exten": "888",
      "musicID": 4,
      "id": 13
    }
  ]
}""",
    '/pbx/wakeup-call/add request': """{
  "callDateTime":"2022-12-15 12:42",-----
  Timeofthewakeupcall,in"yyyy-MM-dd HH:mm"format
  "extens":[-----Theextension/
extensionstoaddwakeupcalls
  "110"
  ],
  "musicID":0,-----Voice file number
}""",
    '/pbx/wakeup-call/add response': """{
  "code":0, "message":"OK",
  "data":{}
}""",
    '/pbx/wakeup-call/update request': """{
  "callDateTime":"2022-12-15 12:42",-----Wakeuptime
  "ids":[-----TherecordIDstobemodified
  24
  ],
  "musicID":0,-----Voice file number
}""",
    '/pbx/wakeup-call/delete request': """{
  "ids":[----- TherecordIDstobedeleted
    21
  ]
}""",
    '/pbx/call-log/search-calllog-page request': """{
  "from":"2022-01-01",----- Startdate,inyyyy-MM-
  ddformat,itwillfilterthelogsfrom0:00:00ofthestartdate
  "to":"2022-12-12",----- Enddate,inyyyy-MM-
  ddformat,itwillfilterthelogswithin23:59:59oftheenddate "type":"all",-----
  -----
  Calltype:all/incoming/outgoing/internal
  "src":"","-----
  Caller,donotsearchbycallernumberifleaveitblank
  "dest":"","-----
  Callee,donotsearchbycalleenumberifleaveitblank
  "pinCode":"","-----
  PINnumberfromaPINSet,onlyoutboundcallsdialedwithPINnumber,inthecalllogs therewillbePIN
  "trunkName":"","-----
  Trunkname,donotsearchbytrunknameifleaveitblank
  "status":"all",-----
  Thestatusofthecalls,willbedescribedlater.
  "page":1, "pageSize":20,
"order": "string",
"columnKey": "string",
}
}""",
    '/pbx/call-log/search-calllog-page response': """{
"code": 0, "message":
"OK",
"data": {
"items": [
{
"id": 1, ----- RecordID
"callFrom": "100", ----- Callname
"callSrc": "100", ----- Callernumber
"callTo": "1100", -----
Calleenumber, thenumberthecallercalled
"destNum": "trunk-test11111", -----
Final callee, depends on if the call had been transfer/forward or not
"startTime": "2022-07-01 21:45:17", -----
Time when the call started, in "yyyy-MM-dd HH:mm:ss" format
"duration": 2, ----- Call duration
"callStatus": "ANSWERED", -----
Call status: ANSWERED/BUSY/FAILED/NOANSWER "callType": "outgoing", ---
-----
Call type: all/incoming/outgoing/internal
"pinCode": "", -----
PIN number from a PIN set, only outbound calls dialed with PIN number, in the call logs
there will be PIN, the calls which didn't use PIN, the value of this field will be null "trunkName": "", -----
-----
The trunk been used by this call, if not trunk had been used, the value of this field will be null
"recordingFile": "", ----- recording file
}
],
"page": 1
"pageSize":20,
"count":332,-----Number of call records
}
}""",
    '/pbx/call-log/search-general-recording-page request': """{
"from":"2022-11-01",
"to":"2022-11-12",
"type":"all",
"src":"","
"dest":"","
"pinCode":"","
"trunkName":"","
"status":"all", "page":1,
"pageSize":20,
"order":"string",
"columnKey":"string",
}
}""",
    '/pbx/call-log/search-general-recording-page response': """{
  "code": 0, "message":
  "OK",
  "data": {
    "items": [
      { "id": 1,
        "callFrom": "conference", "callSrc": "100",
        "callTo": "1100",
        "destNum": "trunk-test", "startTime": "2022-
        11-01 22:45:00",
        "duration": 1,
        "callStatus": "ANSWERED",
        "callType": "outgoing",
        "pinCode": "",
        "trunkName": "", "FileName": "/var/spool/asterisk/monitor/recording/20221129/843/16697047
        79.411-843-842-20221129-145300.gsm", -----
The path and filename of the recording
        "timeLength": "1" ----- The duration of the recording
        "playUrl": "/pbx/play/general-recording/20221129/843/1669704779.411-843- 842-20221129-
        145300.gsm" ----- System
        request path for recording file
      }
    ],
    "page": 1, "pageSize": 20,
    "count": 332,
  }
}""",
    '/pbx/call-log/search-conference-recording-page request': """{
  "from":"2022-11-01",
  "to":"2022-11-12",
  "type":"all",
  "src":"",
  "dest":"",
  "status":"all", "page":1,
  "pageSize":20,
  "order":"string",
  "columnKey":"string",
}""",
    '/pbx/voice-file/list-music-on-hold-voice-file-folder response': """{
  "code": 0, "message":
  "OK",
  "data": [
    {
      "id":1,-----AudiofolderID
      "name":"default",-----Audiofoldername
      "sort":"random"-----Playmodeoftheaudiofilesinthisfolder
    },
    {
      "id":2,
      "name":"tttt",
      "sort":"random"
    }
  ]
}""",
    '/pbx/dial-context/list-dial-plan-simple-info response': """{
  "code": 0, "message":
  "OK", "data": [
    {
      "id": 1, ----- DialPermissionID
      "name": "DialPlan1", ----- DialPermissionname
      "featureCode": true, -----Feature Code,  enablediftrue,disablediffalse.
      "queue": true, -----Call queue,  enablediftrue,disablediffalse. "parkedCall": true, -----Parked
      call,  enablediftrue,disablediffalse. "pickupExten": true, -----Call pickup,
      enablediftrue,disablediffalse. "conference": true,-----conference call,
      enablediftrue,disablediffalse.
      "pagingIntercom": true,-----paging and Intercom,  enablediftrue,disablediffalse.
      "extension": true,----- Extension,  enablediftrue,disablediffalse.
      "ivr": true, -----Automated Attendant,  enablediftrue,disablediffalse.
      "disa": true, ----- DISA,  enablediftrue,disablediffalse. "spy": true, ----
      ---Call spy,  enablediftrue,disablediffalse.
      "console": false,-----呼叫队列,  enablediftrue,disablediffalse.
      "department": true, ----- Department,  enablediftrue,disablediffalse.
      "seizeAnalogLine": true----- Seize CO Line,
      enablediftrue,disablediffalse.
    }
  ]
}""",
    '/pbx/phone-book/list request': """{
  "keyword":"string",-----
  Keywordquery,useemptystringtoqueryallcontacts "order":"string",
  "columnKey":"string",
  "page":0, "pageSize":0
}""",
    '/pbx/phone-book/list response': """{
  "code":0, "message":"OK",
  "data":{
    "items"[
      {
        "id":14,----- RecordID
        "name":"22",----- Contactname
        "phoneNumber":"333444",----- Phonenumber
        "email":"","----- Emailaddress
        "company":"","----- Companyname
        "addByRole":"","----- Roleofthecreatorofthiscontact
        "addUser":"842",-----
        Extensionnumberofthecontactcreator,onlyiftheroleisextensionthisfieldisvalid
        "dialCode":"","----- SpeedDialNumber
      },
    ],
    "count":1,
    "page":1, "pageSize":20
  }
}""",
    '/pbx/phone-book/add request': """{
  "addByRole":"","
  "addUser":""," "id":0,
  "phoneNumber":"","
  "name":"jj",
  "company":"","
  "email":"","-----Emailaddress
  "dialCode":""
}""",
    '/pbx/phone-book/add response': """{
  "code":0, "message":"OK",
  "data":true
}""",
    '/pbx/phone-book/update response': """{
  "code":0, "message":"OK",
  "data":{}
}""",
    '/pbx/phone-book/delete-contact request': """{
  "ids":[-----ArrayoftherecordID
  3
  ]
}""",
    '/pbx/phone-book/delete-contact response': """{
  "code":0, "message":"OK",
  "data":true
}""",
    '/pbx/phone-book/delete-all response': """{
  "code":0, "message":"OK",
  "data":{}
}""",
    '/pbx/time-rule/list-time-rule-simple-info response': """{
  "code": 0,
  "message": "OK", "data": [
    {
      "id": 1, ----- TimeconditionID
      "name": "上班" ----- Timeconitionname
    },
    {
      "id": 3,
      "name": "dghdfgh"
    }
  ]
}""",
    '/api/call-dial/dial request': """{
  "dest": "111", ----- Calleenumbr
  "src": "123" ----- Callernumber
}""",
    '/api/call-dial/dial response': """{
  "code": 0, ----- Status Code
  "message": "OK", ----- Results of program execution
  "data": {
"msg":"ami dial"-----Dial success
}
}""",
    '/api/call-dial/hangup request': """{
"extensions":["string"],----- thenumbertobeterminatedofaphonecall.
}""",
    '/api/call-dial/hangup response': """{
"code":0,-----Status Code
"message":"OK",-----Results of program execution
"data":{
"msg":"ami hangup"-----Hangup success
}
}""",
}

# Examples whose structure is broken beyond annotations and wrapping: explicit edits.
EDITS: dict[str, list[tuple[str, str]]] = {
    # "data":[ "calls":"", ... ] is an object written with square brackets (and the closing
    # "}" of the envelope stands outside the example block).
    "/pbx/systeminfo/calls response": [('"data":[', '"data":{'), ("\n]", "\n}")],
    # the array closes after the first trunk and the envelope's "}" is missing.
    "/pbx/systeminfo/trunk-status response": [("  ],\n  {", "  ,\n  {"), ("\n]", "\n]}")],
}

_KEY = re.compile(r'"[A-Za-z0-9_-]+"\s*:')
_JSONISH = re.compile(r'^\s*("|\{|\}|\[|\]|-?\d|true|false|null)')
_CLOSERS = {"{": "}", "[": "]"}


def _json_part(text: str, in_comment: bool) -> str:
    """The JSON in a line fragment: all of it, or (inside a comment) from the first key on."""
    if not in_comment or _JSONISH.match(text):
        return text
    key = _KEY.search(text)
    return text[key.start():] if key else ""


def _strip_comments(text: str) -> list[str]:
    out: list[str] = []
    in_comment = False
    for line in text.splitlines():
        line = re.sub(r"\s(?<!-)-{2,4}\s*$", "", line)  # "---" left where "-----" broke
        line = re.sub(r"^(\s*)-{2,}", r"\1-----", line)  # and the rest of it on the next line
        pieces = line.split("-----")
        kept = re.sub(r',\s*"\s*$', ",", _json_part(pieces[0], in_comment))  # "email":"","
        for comment in pieces[1:]:  # text after a marker is comment up to an embedded key
            key = _KEY.search(comment)
            kept += " " + comment[key.start():] if key else ""
        if len(pieces) > 1:
            in_comment = not _KEY.search(pieces[-1])
        else:
            in_comment = in_comment and not kept.strip()
        kept = kept.rstrip()
        if kept.strip():
            out.append(kept)
    return out


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Rejoin strings and numbers the document's line wrapping cut in two."""
    joined: list[str] = []
    for line in lines:
        if joined:
            prev = joined[-1]
            open_string = len(re.findall(r'(?<!\\)"', prev)) % 2 == 1
            cut_number = re.search(r"\d$", prev) and re.match(r"\s*\d", line)
            if open_string or cut_number:
                joined[-1] = prev + line.lstrip()
                continue
        joined.append(line)
    return joined


def _balance(src: str) -> str:
    stack: list[str] = []
    in_string = False
    escaped = False
    end = len(src)
    for i, ch in enumerate(src):
        if in_string:
            escaped = ch == "\\" and not escaped
            if ch == '"' and not escaped:
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in _CLOSERS:
            stack.append(_CLOSERS[ch])
        elif ch in "}]":
            if not stack:
                end = i  # extra closers after the value: cut them
                break
            stack.pop()
    return src[:end] + "".join(reversed(stack))


def doc_json(text: str):
    src = "\n".join(_join_broken_lines(_strip_comments(text)))
    src = re.sub(r'(:\s*"[^"\n]*")\s*,\s*"(?=\s*(\n|"|$))', r"\1,", src)  # "email":"","
    src = re.sub(r'"(\w+)"\s*\[', r'"\1":[', src)  # "items"[
    src = re.sub(r'(["\d\]}el])\s*\n(\s*["{\[])', r"\1,\n\2", src)  # missing commas
    src = re.sub(r",(\s*[}\]])", r"\1", src)  # trailing commas
    src = re.sub(r",\s*,", ",", src)
    return json.loads(_balance(src.strip()))


def example(name: str) -> Any:
    text = EXAMPLES[name]
    for old, new in EDITS.get(name, ()):
        assert old in text, (name, old)
        text = text.replace(old, new, 1)
    return doc_json(text)


TRUNK_STRINGS = ("analogOut", "digitalOut", "iaxOut", "sipOut")


@pytest.mark.parametrize("name", [n for n in EXAMPLES if n not in TRUNK_STRINGS])
def test_every_example_reads_as_an_object(name: str) -> None:
    value = example(name)
    assert isinstance(value, dict) and value
    if name.endswith("response"):
        assert (value["code"], value["message"]) == (0, "OK")
        assert parsers.unwrap(value)[0] == 0


def test_trunk_string_examples_parse_into_rows() -> None:
    """The Analog/Digital/Iax/Sip trunk sections: the first line of each is a data example
    (the second one describes the format)."""
    data = {name: doc_json("{" + _first_value(name) + "}")[name] for name in TRUNK_STRINGS}
    rows = parsers.parse_trunk_info(data)
    analog = [r for r in rows if r["kind"] == "analog"]
    assert len(analog) == 8 and analog[0]["type"] == "FXS" and analog[2]["type"] == "none"
    iax = next(r for r in rows if r["kind"] == "iax")
    assert (iax["name"], iax["type"], iax["ip"], iax["delay"], iax["status"]) == (
        "iaxto10", "client", "192.168.17.30", "2", "Registered")
    sip = next(r for r in rows if r["kind"] == "sip")
    assert (sip["name"], sip["type"], sip["ip"], sip["delay"], sip["status"]) == (
        "eeee", "server", "", "0.00", "Unregistered")
    assert not [r for r in rows if r["kind"] == "digital"]


def _first_value(name: str) -> str:
    """The lines of a trunk example up to where the same key starts again (the format)."""
    lines = EXAMPLES[name].strip().splitlines()
    again = next((i for i, line in enumerate(lines) if i and line.startswith(f'"{name}"')),
                 len(lines))
    return "\n".join(lines[:again])


class DocumentPbx:
    """Serves the document's response example for each URL and records the requests."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, Any]] = []
        self.responses = {name.split()[0]: name for name in EXAMPLES
                          if name.endswith(" response")}
        # "(Same as add)": update answers like add (extensions, call forward).
        self.responses |= {
            "/pbx/extension-digital/update-extension":
                "/pbx/extension-digital/add-extension response",
            "/pbx/call-forward/update": "/pbx/call-forward/add response",
            "/pbx/call-forward/delete": "/pbx/call-forward/add response",
            "/pbx/wakeup-call/update": "/pbx/wakeup-call/add response",
            "/pbx/wakeup-call/delete": "/pbx/wakeup-call/add response",
            "/pbx/call-log/search-conference-recording-page":
                "/pbx/call-log/search-general-recording-page response",
        }

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        body = json.loads(request.content) if request.headers.get(
            "content-type", "").startswith("application/json") and request.content else None
        self.requests.append((request.method, path, body))
        if path == LOGIN.path:
            return httpx.Response(200, json={"code": 0, "message": "OK", "data": "tok"})
        if path.startswith("/pbx/extension-digital/is-extension-available/"):
            path = "/pbx/extension-digital/is-extension-available/<exten>"
        name = self.responses.get(path)
        if name is None:
            return httpx.Response(404)
        value = example(name) if name in EXAMPLES else example(self.responses[name])
        return httpx.Response(200, json=value)

    def sent(self, path: str) -> Any:
        return next(body for _, p, body in reversed(self.requests) if p == path)


@pytest.fixture
async def doc_pbx() -> AsyncIterator[tuple[FcmClient, DocumentPbx]]:
    pbx = DocumentPbx()
    transport = Transport(Endpoint("127.0.0.1", 443, "https"), Credentials("admin", "admin"),
                          transport=httpx.MockTransport(pbx))
    yield FcmClient(transport), pbx
    await transport.aclose()


async def test_system_examples_through_the_client(doc_pbx) -> None:
    pbx, _ = doc_pbx
    assert await pbx.system_time() == "2022-11-12 16:50"
    version = await pbx.version()
    assert (version["model"], version["firmware"], version["hardware"]) == (
        "FIBERME-FCM5600", "v4.0.0", "V4")
    assert (version["wan_ip"], version["lan_mac"]) == ("192.168.11.150", "00:E0:70:33:24:A3")
    assert await pbx.cpu() == pytest.approx(
        [26.666666665373164, 27.835051547613567, 17.85714285703679, 24.873096445841846])
    mem = await pbx.mem()
    assert mem["total"] == 4017598464 and mem["used_percent"] == pytest.approx(29.6712, 1e-4)
    assert (await pbx.mem_raw())["swap"]["free"] == 498593792
    assert await pbx.disk() == {"rcdtotal": 0, "rcdused": 0, "systotal": 5403,
                                "sysused": 2354, "usbtotal": 0, "usbused": 0}
    assert await pbx.calls() == {"calls": 0, "maxcalls": 0}
    status = await pbx.extension_status()
    assert status[0]["exten"] == "100" and status[0]["statusText"] == "Unavailable"
    assert status[0]["content"] == {"newMsg": "", "dnd": "", "wakeup": None}
    trunks = await pbx.trunk_info()
    assert len([t for t in trunks if t["kind"] == "analog"]) == 8
    assert next(t for t in trunks if t["kind"] == "sip")["name"] == "eeee"
    assert [(t["name"], t["trunkType"], t["model"]) for t in await pbx.trunk_status()] == [
        ("adf", "iax", "server"), ("33", "sip", "client")]


async def test_extension_examples_through_the_client(doc_pbx) -> None:
    pbx, doc = doc_pbx
    page = await pbx.search_extensions()
    assert (page.count, page.page, page.page_size) == (2, 1, 20)
    row = page.items[0]
    assert (row["exten"], row["username"], row["dtmf"], row["audioCodec"]) == (
        "100", "测试 1", "rfc4733", "alaw,ulaw,g729")
    assert row["departmentName"] == "d1,d2" and row["enable"] is True
    assert set(example("/pbx/extension-digital/search-extension-page request")) == set(
        doc.sent("/pbx/extension-digital/search-extension-page"))
    assert await pbx.extension_info() == [{"exten": "126", "name": "126", "type": "voip"}]
    assert await pbx.gen_add_extension() == "101"
    assert await pbx.is_extension_available("102") is True
    add = example("/pbx/extension-digital/add-extension request")
    assert await pbx.add_extension(add) is True
    assert doc.sent("/pbx/extension-digital/add-extension") == add
    assert await pbx.update_extension(add) is True
    assert await pbx.delete_extensions(["string"]) == 1
    assert doc.sent("/pbx/extension-digital/delete-extension") == example(
        "/pbx/extension-digital/delete-extension request")


async def test_call_forward_and_wakeup_examples_through_the_client(doc_pbx) -> None:
    pbx, doc = doc_pbx
    page = await pbx.call_forwards()
    assert page.items == [{"id": 1, "exten": "102", "type": "busy", "dest": "103",
                           "timeout": 5, "enable": True}]
    assert [r["exten"] for r in await pbx.call_forward_available()] == ["100", "118"]
    add = example("/pbx/call-forward/add request")
    assert await pbx.add_call_forward(add) is True
    assert doc.sent("/pbx/call-forward/add") == add
    update = example("/pbx/call-forward/update request")
    assert await pbx.update_call_forward(update) is True
    assert doc.sent("/pbx/call-forward/update") == update
    assert await pbx.delete_call_forwards([4]) is True
    assert doc.sent("/pbx/call-forward/delete") == example("/pbx/call-forward/delete request")
    await pbx.delete_all_call_forwards()
    wake = await pbx.wakeup_calls()
    assert [(r["id"], r["exten"], r["musicID"], r["callDateTime"]) for r in wake.items] == [
        (8, "501", 4, "2022-07-25 12:00"), (13, "888", 4, "2022-07-25 12:00")]
    await pbx.add_wakeup_call("2022-12-15 12:42", ["110"], 0)
    assert doc.sent("/pbx/wakeup-call/add") == example("/pbx/wakeup-call/add request")
    await pbx.update_wakeup_calls([24], "2022-12-15 12:42", 0)
    assert doc.sent("/pbx/wakeup-call/update") == example("/pbx/wakeup-call/update request")
    await pbx.delete_wakeup_calls([21])
    assert doc.sent("/pbx/wakeup-call/delete") == example("/pbx/wakeup-call/delete request")


async def test_call_log_recording_and_list_examples_through_the_client(doc_pbx) -> None:
    pbx, doc = doc_pbx
    logs = await pbx.search_call_log({"from": "2022-01-01", "to": "2022-12-12"},
                                     page_size=20)
    assert logs.count == 332
    assert (logs.items[0]["callSrc"], logs.items[0]["destNum"], logs.items[0]["callStatus"]) == (
        "100", "trunk-test11111", "ANSWERED")
    sent = doc.sent("/pbx/call-log/search-calllog-page")
    documented = example("/pbx/call-log/search-calllog-page request")
    assert set(sent) == set(documented)
    assert {k: sent[k] for k in ("from", "to", "type", "status", "page", "pageSize")} == {
        k: documented[k] for k in ("from", "to", "type", "status", "page", "pageSize")}
    recordings = await pbx.search_recordings("general")
    assert recordings.items[0]["playUrl"].startswith("/pbx/play/general-recording/20221129/")
    assert recordings.items[0]["FileName"].endswith("-145300.gsm")
    assert set(doc.sent("/pbx/call-log/search-general-recording-page")) == set(
        example("/pbx/call-log/search-general-recording-page request"))
    await pbx.search_recordings("conference")
    assert set(doc.sent("/pbx/call-log/search-conference-recording-page")) == set(
        example("/pbx/call-log/search-conference-recording-page request"))
    assert [(r["id"], r["name"]) for r in await pbx.moh_folders()] == [
        (1, "default"), (2, "tttt")]
    plans = await pbx.dial_plans()
    assert plans[0]["name"] == "DialPlan1" and plans[0]["console"] is False
    assert list(plans[0]) == [  # keys the annotations had swallowed mid-line are all there
        "id", "name", "featureCode", "queue", "parkedCall", "pickupExten", "conference",
        "pagingIntercom", "extension", "ivr", "disa", "spy", "console", "department",
        "seizeAnalogLine"]
    assert await pbx.time_conditions() == [{"id": 1, "name": "上班"}, {"id": 3, "name": "dghdfgh"}]


async def test_phonebook_and_call_examples_through_the_client(doc_pbx) -> None:
    pbx, doc = doc_pbx
    book = await pbx.phonebook()
    assert book.count == 1
    assert (book.items[0]["id"], book.items[0]["phoneNumber"], book.items[0]["addUser"]) == (
        14, "333444", "842")
    add = example("/pbx/phone-book/add request")
    assert await pbx.add_contact({"name": "jj"}) is True
    assert doc.sent("/pbx/phone-book/add") == add
    await pbx.update_contact({**add, "id": 3})
    assert await pbx.delete_contacts([3]) is True
    assert doc.sent("/pbx/phone-book/delete-contact") == example(
        "/pbx/phone-book/delete-contact request")
    await pbx.delete_all_contacts()
    assert await pbx.dial("123", "111") == "ami dial"
    assert doc.sent("/api/call-dial/dial") == example("/api/call-dial/dial request")
    assert await pbx.hangup(["string"]) == "ami hangup"
    assert doc.sent("/api/call-dial/hangup") == example("/api/call-dial/hangup request")
